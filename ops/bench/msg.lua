-- wrk script for ops/bench/ingest.sh and delivery.sh: POSTs ~1 KiB messages to /api/v1/app/{app}/msg and
-- counts 2xx / non-2xx. With HERALD_QUOTA it stops after that many 2xx responses in total: each thread stops
-- after its share and then creates the file HERALD_DONE_DIR/<thread number>; wrk itself runs until -d, so delivery.sh sends it SIGINT once every
-- thread's file exists (wrk then prints its summary and calls done()).
-- Env: HERALD_TOKEN (admin token), HERALD_APP_ID (application id), HERALD_QUOTA (messages, 0 = no limit),
--      HERALD_THREADS (the -t given to wrk, to split the quota), HERALD_DONE_DIR (an existing directory).

local token = os.getenv("HERALD_TOKEN") or error("HERALD_TOKEN is not set")
local app_id = os.getenv("HERALD_APP_ID") or error("HERALD_APP_ID is not set")
local quota = tonumber(os.getenv("HERALD_QUOTA") or "0")
local nthreads = tonumber(os.getenv("HERALD_THREADS") or "1")
local done_dir = os.getenv("HERALD_DONE_DIR")

local filler = string.rep("abcdefghij", 96)
wrk.method = "POST"
wrk.path = "/api/v1/app/" .. app_id .. "/msg"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"eventType":"user.created","payload":{"userId":"u_123","email":"bench@example.com",'
    .. '"note":"' .. filler .. '"}}'

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_number", #threads)
end

function init(args)
    ok2xx = 0
    non2xx = 0
    share = quota > 0 and math.ceil(quota / nthreads) or 0
    stopped = false
end

-- wrk hands every response's headers and body to Lua only when a `response` function exists, and that costs the
-- client CPU on every request (the ingest benchmark's server shares the machine with wrk, and its no-op run has no
-- script at all). So it is defined only when a quota needs each response; otherwise done() counts from wrk's
-- own tally, where a status over 399 is an error.
if quota > 0 then
    function response(status, headers, body)
        if status >= 200 and status < 300 then
            ok2xx = ok2xx + 1
        else
            non2xx = non2xx + 1
        end
        if ok2xx >= share and not stopped then
            stopped = true
            if done_dir then
                local marker = io.open(done_dir .. "/" .. thread_number, "w")
                if marker then marker:close() end
            end
            wrk.thread:stop()
        end
    end
end

function done(summary, latency, requests)
    local ok, bad = 0, 0
    if quota > 0 then
        for _, thread in ipairs(threads) do
            ok = ok + thread:get("ok2xx")
            bad = bad + thread:get("non2xx")
        end
    else
        -- Without response(): every completed request is a 2xx unless wrk counted its status as an error (>= 400);
        -- Herald answers this route with no 1xx or 3xx, and ingest.sh checks the count against the store.
        bad = summary.errors.status
        ok = summary.requests - bad
    end
    -- Machine-readable lines the scripts parse.
    io.write(string.format("HERALD_BODY_BYTES=%d\n", #wrk.body))
    io.write(string.format("HERALD_2XX=%d\n", ok))
    io.write(string.format("HERALD_NON2XX=%d\n", bad))
    io.write(string.format("HERALD_SOCKET_ERRORS=%d\n",
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
    io.write(string.format("HERALD_DURATION_US=%d\n", summary.duration))
end
