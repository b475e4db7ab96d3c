import Foundation
import HeraldCore
import HeraldStore
import Logging

/// The scheduler loop's state and its reactions to events. Only the loop touches it.
struct SchedulerState {
    let scheduler: DeliveryScheduler
    var configuration: DeliveryConfiguration { scheduler.configuration }
    var lanes: [String: EndpointLane] = [:]
    /// Deliveries queued or in flight here, so a delivery is never held twice.
    var known: Set<DeliveryKey> = []
    var inFlight = 0
    /// Deliveries queued in all lanes (kept in step by `accept` and `pump`; recomputed on each poll).
    var queuedTotal = 0
    var leasing = false
    /// The last lease came back full: more is due, so lease again as soon as there is room.
    var moreDue = false
    /// A poll came (a tick, or another instance's notice of new work) while a lease was under way. That lease may
    /// have read the store before the new work was committed, so another one follows it.
    var polledWhileLeasing = false
    var findingFIFO = false
    /// When this instance's leases and endpoint holds were last renewed, and whether a renewal is under way.
    var renewedAt: Date
    var renewing = false
    var outcomes = DeliveryOutcomes()
    var flushing = false
    var shuttingDown = false
    var graceOver = false
    var random = SystemRandomNumberGenerator()

    init(scheduler: DeliveryScheduler) {
        self.scheduler = scheduler
        renewedAt = scheduler.now()
    }

    /// Reacts to one event; true when the loop should end.
    mutating func handle(_ event: DeliveryScheduler.Event, _ group: inout DiscardingTaskGroup) async -> Bool {
        let now = scheduler.now()
        switch event {
        case .fresh(let tasks):
            accept(tasks, now: now, fresh: true, &group)
        case .leased(let tasks):
            accept(tasks, now: now, fresh: false, &group)
        case .leaseDone(let full):
            leasing = false
            moreDue = full || polledWhileLeasing
            polledWhileLeasing = false
            if moreDue { poll(now: now, &group) }
        case .fifoCandidates(let endpointIDs):
            findingFIFO = false
            for id in endpointIDs where !shuttingDown {
                if lanes[id] == nil { lanes[id] = EndpointLane(now: now, circuit: configuration.circuit) }
                if lanes[id]?.endpoint == nil { load(id, &group) } else { refill(id, &group) }
            }
        case .refilled(let endpointID, let tasks):
            let settled = lanes[endpointID]?.settledDuringRefill ?? []
            lanes[endpointID]?.settledDuringRefill = []
            lanes[endpointID]?.refilling = false
            let current = tasks.filter { !settled.contains($0.key) }
            accept(current, now: now, fresh: false, &group)
            // What the refill found had all just finished: look again for the next ones.
            if current.count < tasks.count, lanes[endpointID]?.queue.isEmpty == true { refill(endpointID, &group) }
        case .loaded(let endpointID, let endpoint, let state):
            guard var lane = lanes.removeValue(forKey: endpointID) else { break }
            if endpoint.fifo && !lane.fifo {
                // Became (or turned out to be) FIFO: its work is re-read from the store in message order.
                for task in lane.queue { known.remove(task.key) }
                lane.queue.removeAll()
            }
            lane.load(endpoint, state: state, now: now)
            forgetDeferralIfClosed(lane, endpointID)
            lanes[endpointID] = lane
            if endpoint.fifo { refill(endpointID, &group) }
            pump(endpointID, now: now, &group)
        case .loadFailed(let endpointID, let gone):
            if gone, let lane = lanes.removeValue(forKey: endpointID) {
                // The endpoint was deleted; its deliveries went with it.
                for task in lane.queue { known.remove(task.key) }
            }
        case .attempted(let task, let result, let startedAt):
            finish(task, result, startedAt: startedAt, now: now, &group)
        case .flushed(let keys, let unfinished):
            flushing = false
            // Deferring the rest of a large backlog is only there to spare polls; a stopping engine leaves it
            // (chunk after chunk of it could hold the shutdown for many seconds), and the next start defers again.
            if !shuttingDown { outcomes.deferredEndpoints += unfinished }
            for key in keys where !isHeld(key) {
                known.remove(key)
                if lanes[key.endpointID]?.refilling == true { lanes[key.endpointID]?.settledDuringRefill.insert(key) }
            }
            flush(now: now, &group)
        case .endpointChanged(.updated(let endpoint)):
            // Applied here, in event order, so no message created after the change is sent with the old settings.
            if lanes[endpoint.id]?.endpoint != nil, var lane = lanes.removeValue(forKey: endpoint.id) {
                let becameFIFO = endpoint.fifo && !lane.fifo
                if becameFIFO {
                    for task in lane.queue { known.remove(task.key) }
                    lane.queue.removeAll()
                }
                lane.load(endpoint, state: nil, now: now)
                forgetDeferralIfClosed(lane, endpoint.id)
                lanes[endpoint.id] = lane
                if becameFIFO { refill(endpoint.id, &group) }
                pump(endpoint.id, now: now, &group)
            }
        case .endpointChanged(.deleted(let endpointID)):
            scheduler.deferrals.remove(endpointID)
            if let lane = lanes.removeValue(forKey: endpointID) {
                // Its deliveries were deleted with it; what is in flight finishes and is recorded as usual.
                for task in lane.queue { known.remove(task.key) }
            }
        case .renewed:
            renewing = false
        case .tick:
            if leasing { polledWhileLeasing = true }
            poll(now: now, &group)
        case .wake(let endpointID):
            lanes[endpointID]?.wakeAt = nil
            pump(endpointID, now: now, &group)
        case .shutdown:
            beginShutdown(now: now, &group)
        case .graceOver:
            graceOver = true
        }
        if shuttingDown, inFlight == 0 || graceOver, !flushing { return await endShutdown(now: now) }
        return false
    }

    /// Stops ingest from writing an endpoint's deliveries aside once its lane no longer defers them (the circuit
    /// was reset by re-enabling the endpoint, or the endpoint became FIFO).
    func forgetDeferralIfClosed(_ lane: EndpointLane, _ endpointID: String) {
        guard lane.deferredUntil == nil || lane.fifo else { return }
        scheduler.deferrals.remove(endpointID)
    }

    /// Whether a delivery is queued or in flight here (as opposed to only awaiting its outcome's write).
    func isHeld(_ key: DeliveryKey) -> Bool {
        guard let lane = lanes[key.endpointID] else { return false }
        return lane.inFlight[key] != nil || lane.queue.contains(key)
    }

    // MARK: Taking work

    private mutating func accept(_ tasks: [DeliveryTask], now: Date, fresh: Bool, _ group: inout DiscardingTaskGroup) {
        var touched: Set<String> = []
        for task in tasks where !known.contains(task.key) {
            if shuttingDown {
                outcomes.releases.append((task.key, now))
                continue
            }
            if lanes[task.endpointID] == nil {
                lanes[task.endpointID] = EndpointLane(now: now, circuit: configuration.circuit)
                load(task.endpointID, &group)
            }
            // Out of the dictionary while it changes, so its queue is not copied on write; back at the end.
            guard var lane = lanes.removeValue(forKey: task.endpointID) else { continue }
            defer { lanes[task.endpointID] = lane }
            if fresh && lane.fifo {
                // FIFO lanes read their work from the store in message order; this only tells them to look.
                touched.insert(task.endpointID)
                continue
            }
            if lane.queue.count >= configuration.laneCapacity || (fresh && queuedTotal >= configuration.globalConcurrency * 4) {
                outcomes.releases.append((task.key, now.addingTimeInterval(configuration.pollInterval)))
                continue
            }
            lane.enqueue(task)
            queuedTotal += 1
            lane.lastActive = now
            known.insert(task.key)
            touched.insert(task.endpointID)
        }
        for id in touched {
            if lanes[id]?.fifo == true, lanes[id]?.queue.isEmpty == true { refill(id, &group) }
            pump(id, now: now, &group)
        }
        flush(now: now, &group)
    }

    mutating func poll(now: Date, _ group: inout DiscardingTaskGroup) {
        guard !shuttingDown else { return }
        let queued = lanes.values.reduce(0) { $0 + $1.queue.count }
        queuedTotal = queued
        let room = configuration.globalConcurrency * 2 - inFlight - queued
        if !leasing, room > configuration.globalConcurrency / 2 || (room > 0 && !moreDue) {
            leasing = true
            let scheduler = self.scheduler
            let limit = min(room, configuration.laneCapacity)
            group.addTask {
                do {
                    let tasks = try await scheduler.store.leaseDueDeliveries(
                        owner: scheduler.configuration.instanceID,
                        now: scheduler.now(),
                        leaseDuration: scheduler.configuration.leaseDuration,
                        limit: limit
                    )
                    if !tasks.isEmpty { scheduler.send(.leased(tasks)) }
                    scheduler.send(.leaseDone(full: tasks.count == limit))
                } catch is CancellationError {
                    scheduler.send(.leaseDone(full: false))
                } catch {
                    scheduler.logger.error("Leasing due deliveries failed", metadata: ["error": "\(error)"])
                    scheduler.send(.leaseDone(full: false))
                }
            }
        }
        if !findingFIFO {
            findingFIFO = true
            let scheduler = self.scheduler
            group.addTask {
                let ids = (try? await scheduler.store.fifoEndpointsWithPendingWork()) ?? []
                scheduler.send(.fifoCandidates(ids))
            }
        }
        refreshLanes(now: now, &group)
        renew(now: now, &group)
        flush(now: now, &group)
    }

    /// Every third of a lease duration, keeps this instance's leases and its hold on the endpoints of its lanes, so
    /// that deliveries waiting here are not taken over, and (on a shared store) no other instance works on these
    /// endpoints at the same time.
    private mutating func renew(now: Date, _ group: inout DiscardingTaskGroup) {
        guard !renewing, now.timeIntervalSince(renewedAt) >= configuration.leaseDuration / 3 else { return }
        renewing = true
        renewedAt = now
        let scheduler = self.scheduler
        let endpoints = Array(lanes.keys)
        group.addTask {
            do {
                try await scheduler.store.renewLeases(
                    owner: scheduler.configuration.instanceID,
                    endpoints: endpoints,
                    now: scheduler.now(),
                    leaseDuration: scheduler.configuration.leaseDuration
                )
            } catch {
                scheduler.logger.error("Renewing leases failed", metadata: ["error": "\(error)"])
            }
            scheduler.send(.renewed)
        }
    }

    /// Re-reads settings of busy lanes every few seconds (URL, secrets, limits, disabled) and drops idle ones.
    private mutating func refreshLanes(now: Date, _ group: inout DiscardingTaskGroup) {
        for (id, lane) in lanes {
            if lane.isIdle, now.timeIntervalSince(lane.lastActive) > 60, lane.breaker.state == .closed {
                lanes[id] = nil
            } else if lane.endpoint != nil, now.timeIntervalSince(lane.loadedAt) > 2 {
                lanes[id]?.loadedAt = now
                load(id, &group)
            }
        }
    }

    private func load(_ endpointID: String, _ group: inout DiscardingTaskGroup) {
        let scheduler = self.scheduler
        group.addTask {
            do {
                let (endpoint, state) = try await scheduler.store.endpointForDelivery(endpointID)
                scheduler.send(.loaded(endpointID: endpointID, endpoint, state))
            } catch let error as HeraldError where error.isNotFound {
                scheduler.send(.loadFailed(endpointID: endpointID, gone: true))
            } catch is CancellationError {
                scheduler.send(.loadFailed(endpointID: endpointID, gone: false))
            } catch {
                scheduler.logger.error(
                    "Loading an endpoint failed", metadata: ["endpoint": "\(endpointID)", "error": "\(error)"])
                scheduler.send(.loadFailed(endpointID: endpointID, gone: false))
            }
        }
    }

    mutating func refill(_ endpointID: String, _ group: inout DiscardingTaskGroup) {
        guard var lane = lanes[endpointID], lane.endpoint?.fifo == true, !lane.refilling, !shuttingDown else { return }
        lane.refilling = true
        lanes[endpointID] = lane
        let scheduler = self.scheduler
        let limit = configuration.laneCapacity
        group.addTask {
            let tasks =
                (try? await scheduler.store.leaseFIFODeliveries(
                    endpointID: endpointID,
                    owner: scheduler.configuration.instanceID,
                    now: scheduler.now(),
                    leaseDuration: scheduler.configuration.leaseDuration,
                    limit: limit
                )) ?? []
            scheduler.send(.refilled(endpointID: endpointID, tasks))
        }
    }
}
