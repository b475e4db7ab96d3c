-- wrk script for ops/bench/delivery.sh: the sink's ceiling. POSTs a ~1 KiB JSON body with webhook-* headers
-- shaped like a delivery's, so nginx does the same work (read the body, log the line) as for Herald.
local filler = string.rep("abcdefghij", 96)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "Herald/bench"
wrk.headers["webhook-id"] = "msg_ceilingceilingceilingce"
wrk.headers["webhook-timestamp"] = "1795420093"
wrk.headers["webhook-signature"] = "v1,vdfo9TKey1xULI01FeIUaBsRIM6H96nU8+/KIavYN4A="
wrk.body = '{"userId":"u_123","email":"bench@example.com","note":"' .. filler .. '"}'
