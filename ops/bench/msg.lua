-- wrk script for ops/bench/ingest.sh: POSTs ~1 KiB messages to /api/v1/app/{app}/msg
-- and counts 2xx / non-2xx responses across all threads.
-- Env: HERALD_TOKEN (admin token), HERALD_APP_ID (application id).

local token = os.getenv("HERALD_TOKEN") or error("HERALD_TOKEN is not set")
local app_id = os.getenv("HERALD_APP_ID") or error("HERALD_APP_ID is not set")

-- ~1 KiB JSON body, built once.
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
end

function init(args)
    ok2xx = 0
    non2xx = 0
end

function response(status, headers, body)
    if status >= 200 and status < 300 then
        ok2xx = ok2xx + 1
    else
        non2xx = non2xx + 1
    end
end

function done(summary, latency, requests)
    local ok, bad = 0, 0
    for _, thread in ipairs(threads) do
        ok = ok + thread:get("ok2xx")
        bad = bad + thread:get("non2xx")
    end
    -- Machine-readable lines that ingest.sh parses.
    io.write(string.format("HERALD_BODY_BYTES=%d\n", #wrk.body))
    io.write(string.format("HERALD_2XX=%d\n", ok))
    io.write(string.format("HERALD_NON2XX=%d\n", bad))
    io.write(string.format("HERALD_SOCKET_ERRORS=%d\n",
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
    io.write(string.format("HERALD_DURATION_US=%d\n", summary.duration))
end
