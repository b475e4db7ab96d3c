import Foundation
import HeraldCore
import HeraldStore

extension SchedulerState {
    /// Starts as many of the lane's deliveries as its limits allow.
    mutating func pump(_ endpointID: String, now: Date, _ group: inout DiscardingTaskGroup) {
        // The lane is taken out of the dictionary while it is worked on, so its queue is not copied on write.
        guard !shuttingDown, lanes[endpointID]?.endpoint != nil, var lane = lanes.removeValue(forKey: endpointID),
            let endpoint = lane.endpoint
        else { return }
        defer { lanes[endpointID] = lane }
        if endpoint.disabled {
            // Waits in the store; re-enabling the endpoint makes these due again.
            release(&lane, at: now.addingTimeInterval(86_400))
            return
        }
        let limit = endpoint.fifo ? 1 : configuration.endpointConcurrency
        while let head = lane.queue.first, lane.inFlight.count < limit, inFlight < configuration.globalConcurrency {
            if endpoint.fifo, head.nextAttemptAt > now {
                schedule(wake: endpointID, at: head.nextAttemptAt, &lane, &group)
                return
            }
            switch lane.breaker.state {
            case .halfOpen where !lane.breaker.permit(now: now):
                return  // A probe is out; the rest wait for its verdict.
            case .open where !lane.breaker.permit(now: now):
                let until = lane.breaker.reopensAt() ?? now.addingTimeInterval(configuration.circuit.cooldown)
                if lane.deferredUntil != until {
                    lane.deferredUntil = until
                    outcomes.deferredEndpoints.append((endpointID, until))
                    // FIFO lanes read their work from the store in order anyway; ingest keeps leasing theirs.
                    if !endpoint.fifo { scheduler.deferrals.set(endpointID, until: until) }
                }
                if endpoint.fifo {
                    schedule(wake: endpointID, at: until, &lane, &group)
                } else {
                    release(&lane, at: until)
                }
                return
            default:
                if lane.breaker.state == .closed { _ = lane.breaker.permit(now: now) }
            }
            if lane.bucket != nil {
                let wait = lane.bucket!.take(now: now)
                if wait > 0 {
                    if lane.breaker.state == .halfOpen { lane.breaker.releaseProbe() }
                    schedule(wake: endpointID, at: now.addingTimeInterval(wait), &lane, &group)
                    return
                }
            }
            _ = lane.queue.popFirst()
            queuedTotal -= 1
            start(head, endpoint: endpoint, lane: &lane, now: now, &group)
        }
    }

    private mutating func start(
        _ task: DeliveryTask,
        endpoint: Endpoint,
        lane: inout EndpointLane,
        now: Date,
        _ group: inout DiscardingTaskGroup
    ) {
        lane.inFlight[task.key] = task
        lane.lastActive = now
        inFlight += 1
        let scheduler = self.scheduler
        let startedAt = scheduler.now()
        let started = scheduler.dispatcher.start(task, to: endpoint, at: startedAt) { result in
            scheduler.send(.attempted(task, result, startedAt: startedAt))
        }
        if started { return }
        // The host has to be looked up first.
        group.addTask {
            let result = await scheduler.dispatcher.send(task, to: endpoint, at: startedAt)
            scheduler.send(.attempted(task, result, startedAt: startedAt))
        }
    }

    /// Gives the lane's queued deliveries back to the store, due at `at`. They stay known until that is written.
    mutating func release(_ lane: inout EndpointLane, at: Date) {
        for task in lane.queue {
            outcomes.releases.append((task.key, at))
        }
        queuedTotal -= lane.queue.count
        lane.queue.removeAll()
    }

    private func schedule(wake endpointID: String, at: Date, _ lane: inout EndpointLane, _ group: inout DiscardingTaskGroup) {
        if let existing = lane.wakeAt, existing <= at { return }
        lane.wakeAt = at
        let scheduler = self.scheduler
        let delay = max(0, at.timeIntervalSince(scheduler.now()))
        group.addTask {
            try? await Task.sleep(for: .milliseconds(Int64((delay * 1000).rounded(.up))))
            scheduler.send(.wake(endpointID: endpointID))
        }
    }

    /// Records an attempt's outcome, decides what happens to its delivery, and starts what may start now.
    mutating func finish(
        _ task: DeliveryTask,
        _ result: Dispatcher.Result,
        startedAt: Date,
        now: Date,
        _ group: inout DiscardingTaskGroup
    ) {
        inFlight -= 1
        // Settled in a function of its own so that its copy of the lane is gone before `pump`: one left alive
        // would make the next pop copy the lane's whole queue.
        guard let needsRefill = settle(task, result, startedAt: startedAt, now: now) else { return }
        if needsRefill { refill(task.endpointID, &group) }
        pump(task.endpointID, now: now, &group)
        if moreDue, !leasing { poll(now: now, &group) }
        flush(now: now, &group)
    }

    /// Updates the lane and the outcomes for one attempt; returns whether the (FIFO) lane needs a refill, or nil
    /// when the lane is gone.
    private mutating func settle(_ task: DeliveryTask, _ result: Dispatcher.Result, startedAt: Date, now: Date) -> Bool? {
        guard var lane = lanes.removeValue(forKey: task.endpointID) else {
            known.remove(task.key)
            return nil
        }
        lane.inFlight[task.key] = nil
        lane.lastActive = now
        let endpoint = lane.endpoint
        let attemptNumber = task.attemptCount + 1
        let classification = result.classification(now: now, maximumRetryAfter: configuration.maximumRetryAfter)
        scheduler.metrics.recordAttempt(result, succeeded: classification == .success)
        let attempt = result.attempt(
            of: task,
            url: endpoint?.url ?? "",
            succeeded: classification == .success,
            trigger: .scheduled,
            startedAt: startedAt
        )
        var next: DeliveryOutcomes.Recorded.Next
        var disable = false
        switch classification {
        case .success:
            lane.breaker.recordSuccess(now: now)
            lane.health.recordSuccess(now: now)
            next = .succeeded
            if attemptNumber > OperationalEvents.failingAfterAttempts { outcomes.operational.append(.attemptRecovered(attempt)) }
        case .gone:
            lane.health.recordFailure(now: now)
            next = .failed
            disable = true
            outcomes.operational.append(.attemptExhausted(attempt))
        case .failure(let retryAfter):
            // A payload that expired before it was sent says nothing about the endpoint: it must not open its
            // circuit or count towards disabling it (a probe it used is given back).
            let payloadExpired = result.errorKind == "payload_expired"
            if payloadExpired {
                lane.breaker.releaseProbe()
            } else {
                lane.breaker.recordFailure(now: now)
                lane.health.recordFailure(now: now)
            }
            let schedule = endpoint?.retrySchedule.map { RetrySchedule(delays: $0) } ?? configuration.retrySchedule
            if payloadExpired {
                next = .failed
            } else if var at = schedule.nextAttempt(after: attemptNumber, now: now, using: &random) {
                if let retryAfter { at = max(at, now.addingTimeInterval(retryAfter)) }
                next = .retry(at: at)
            } else {
                next = .failed
            }
            if next == .failed {
                outcomes.operational.append(.attemptExhausted(attempt))
            } else if attemptNumber == OperationalEvents.failingAfterAttempts {
                outcomes.operational.append(.attemptFailing(attempt))
            }
            if !payloadExpired, lane.health.shouldDisable(now: now, after: configuration.disableAfter) { disable = true }
        }
        outcomes.attempts.append(.init(attempt: attempt, next: next))
        if next == .succeeded || next == .failed { scheduler.metrics.recordFinished(succeeded: next == .succeeded) }
        if case .retry(let at) = next, lane.fifo {
            // The head of a FIFO lane holds the others back until its retry succeeds or gives up.
            var retried = task
            retried.attemptCount = attemptNumber
            retried.nextAttemptAt = at
            lane.queue.pushFront(retried)
        }
        if disable, var disabledEndpoint = endpoint, !disabledEndpoint.disabled {
            disabledEndpoint.disabled = true
            lane.endpoint = disabledEndpoint
            outcomes.operational.append(.endpointDisabled(disabledEndpoint, failingSince: lane.health.failingSince))
        }
        let failing = lane.health.failingSince != nil
        if disable || lane.persisted.circuit != lane.breaker.observableState || lane.persisted.failing != failing {
            lane.persisted = (lane.breaker.observableState, failing)
            outcomes.endpointStates.append(
                .init(endpointID: task.endpointID, circuit: lane.breaker, health: lane.health, disable: disable)
            )
        }
        if lane.breaker.state == .closed, lane.deferredUntil != nil {
            lane.deferredUntil = nil
            scheduler.deferrals.remove(task.endpointID)
        }
        let needsRefill = lane.fifo && lane.queue.isEmpty
        lanes[task.endpointID] = lane
        return needsRefill
    }

    /// Writes accumulated outcomes in one transaction, one batch at a time.
    mutating func flush(now: Date, _ group: inout DiscardingTaskGroup) {
        guard !flushing, !outcomes.isEmpty else { return }
        flushing = true
        let batch = outcomes
        outcomes = DeliveryOutcomes()
        let keys =
            batch.attempts.map { DeliveryKey(messageID: $0.attempt.messageID, endpointID: $0.attempt.endpointID) }
            + batch.releases.map(\.key)
        let scheduler = self.scheduler
        group.addTask {
            let unfinished = await scheduler.record(batch)
            scheduler.send(.flushed(keys, unfinishedDeferrals: unfinished))
        }
    }

    mutating func beginShutdown(now: Date, _ group: inout DiscardingTaskGroup) {
        guard !shuttingDown else { return }
        shuttingDown = true
        scheduler.store.installIngestHandoff(nil)
        for id in lanes.keys {
            guard var lane = lanes[id] else { continue }
            release(&lane, at: now)
            lanes[id] = lane
        }
        let scheduler = self.scheduler
        let grace = configuration.shutdownGracePeriod
        group.addTask {
            try? await Task.sleep(for: .milliseconds(Int64(grace * 1000)))
            scheduler.send(.graceOver)
        }
    }

    /// Records what finished, releases what did not, and ends the loop.
    mutating func endShutdown(now: Date) async -> Bool {
        for lane in lanes.values {
            for task in lane.inFlight.values { outcomes.releases.append((task.key, now)) }
            for task in lane.queue { outcomes.releases.append((task.key, now)) }
        }
        lanes.removeAll()
        let batch = outcomes
        outcomes = DeliveryOutcomes()
        await scheduler.record(batch)
        do {
            // Gives up what is still held here (on a shared store, the endpoints too), so others take it at once.
            _ = try await scheduler.store.releaseLeases(owner: configuration.instanceID, now: now)
        } catch {
            scheduler.logger.warning("Releasing leases at shutdown failed", metadata: ["error": "\(error)"])
        }
        return true
    }
}

extension DeliveryScheduler {
    /// Records a batch; returns the endpoint deferrals still to continue.
    @discardableResult
    func record(_ batch: DeliveryOutcomes) async -> [(endpointID: String, until: Date)] {
        do {
            let unfinished = try await store.recordOutcomes(batch, now: now())
            await events.publish(batch.operational)
            return unfinished
        } catch is CancellationError {
            logger.warning(
                "Delivery outcomes not recorded: the engine was cancelled", metadata: ["attempts": "\(batch.attempts.count)"])
        } catch {
            // Unrecorded deliveries keep their lease and are sent again when it expires: at least once.
            logger.error(
                "Recording delivery outcomes failed", metadata: ["error": "\(error)", "attempts": "\(batch.attempts.count)"])
        }
        return []
    }
}
