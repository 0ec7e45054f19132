-- wrk: the support storm. Each line of the plan file is "token proposal-id";
-- thread k sends the lines k, k+n, k+2n… as PUT /api/v1/proposals/{id}/support
-- with the person's token, then stops. A refused or failed request is sent
-- again (a retry), so every line is acknowledged once with 200. A thread
-- that is done writes the file <marker dir>/<thread id>; the script then
-- interrupts wrk, which reports the real duration.
local threads = {}
local counter = 0

setup = function(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

init = function(args)
  local plan_file = args[1]
  local nthreads = tonumber(args[2])
  marker_dir = args[3]
  marked = false
  plan = {}
  local i = 0
  for line in io.lines(plan_file) do
    if i % nthreads == id then
      local token, proposal = line:match("^(%S+) (%S+)$")
      table.insert(plan, { token = token, proposal = proposal })
    end
    i = i + 1
  end
  next_index = 1
  acknowledged = 0
  retries = 0
  in_flight = nil
end

request = function()
  local item = plan[next_index]
  if item == nil then
    item = plan[#plan]
  end
  in_flight = next_index
  return wrk.format("PUT", "/api/v1/proposals/" .. item.proposal .. "/support",
    { ["Authorization"] = "Bearer " .. item.token }, nil)
end

response = function(status, headers, body)
  if status == 200 then
    if next_index <= #plan then
      acknowledged = acknowledged + 1
      next_index = next_index + 1
    end
  else
    retries = retries + 1
  end
  if next_index > #plan and not marked then
    marked = true
    local marker = io.open(marker_dir .. "/" .. id, "w")
    marker:write("done\n")
    marker:close()
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local acked, retried = 0, 0
  for _, thread in ipairs(threads) do
    acked = acked + thread:get("acknowledged")
    retried = retried + thread:get("retries")
  end
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50":%.2f,"p99":%.2f,"acknowledged":%d,"retries":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, acked, retried))
end
