-- One connection per wrk thread (-t N -c N), each logged in as its own annotator:
-- COOKIES (set by bench.loadtest) holds one "session=..." value a line.
local cookies = {}
for line in io.lines(os.getenv("COOKIES")) do cookies[#cookies + 1] = line end
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("cookie", cookies[(counter - 1) % #cookies + 1])
end

function init(args)
  wrk.headers["Cookie"] = cookie
  wrk.headers["Accept-Encoding"] = "br, gzip"
  wrk.headers["Accept"] = "text/html"
end

function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"duration_us\": %d, \"errors\": %d, " ..
    "\"non2xx\": %d, \"p50_ms\": %.2f, \"p95_ms\": %.2f, \"p99_ms\": %.2f}\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
