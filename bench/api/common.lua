-- Shared wrk logic for bench/api-bench.sh. Each scenario script (get.lua, list.lua, create.lua, update.lua,
-- mix.lua) loads this file and then defines next_request(), which returns one request built with wrk.format.
--
-- Script arguments (after `--` on the wrk command line):
--   1  Authorization header value ("Basic base64(ck:cs)")
--   2  run id (random per benchmark run: keeps create emails unique across runs of the script)
--   3  round label (e.g. 2, or warmup)
--   4  scenario label (used in emails: create and mix both create, in every round)
-- At the end, done() prints one line to stdout that api-bench.sh parses:
--   API-STATS {"statuses":{"200":N,...},"sent":{"get":N,"list":N,"create":N,"update":N}}
-- "sent" counts requests handed to wrk per kind (an upper bound: the last ones may still be in flight when wrk
-- stops); "statuses" counts the responses wrk received, by status code.

local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
    thread:set("thread_id", #threads)
end

local auth, run_id, round, label
local headers_get, headers_json
local counter = 0
statuses = {}
sent = { get = 0, list = 0, create = 0, update = 0, orders = 0, order_create = 0 }

function init(args)
    auth = args[1] or error("api bench scripts need the Authorization value as the first argument")
    run_id = args[2] or "run"
    round = args[3] or "0"
    label = args[4] or "x"
    headers_get = { ["Authorization"] = auth }
    headers_json = { ["Authorization"] = auth, ["Content-Type"] = "application/json" }
    math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919 + math.floor((os.clock() * 1e6) % 1e6))
end

-- Seeded customers have ids 2..10001 (id 1 is the admin).
local FIRST_ID, LAST_ID = 2, 10001
local PAGES = 1000

function get_by_id()
    sent.get = sent.get + 1
    return wrk.format("GET", "/wc-api/v2/customers/" .. math.random(FIRST_ID, LAST_ID), headers_get)
end

function list_page()
    sent.list = sent.list + 1
    return wrk.format("GET", "/wc-api/v2/customers?filter%5Blimit%5D=10&page=" .. math.random(1, PAGES), headers_get)
end

local CREATE_BODY = '{"customer":{"email":"%s","first_name":"John","last_name":"Doe",'
    .. '"billing_address":{"first_name":"John","last_name":"Doe","company":"","address_1":"969 Market",'
    .. '"address_2":"","city":"San Francisco","state":"CA","postcode":"94103","country":"US",'
    .. '"email":"john.doe@example.com","phone":"(555) 555-5555"},'
    .. '"shipping_address":{"first_name":"John","last_name":"Doe","company":"","address_1":"969 Market",'
    .. '"address_2":"","city":"San Francisco","state":"CA","postcode":"94103","country":"US"}}}'

function create_customer()
    sent.create = sent.create + 1
    counter = counter + 1
    -- Unique across the whole run: run id + scenario + round + wrk thread + per-thread counter.
    local email = string.format("bench-%s-%s-r%s-t%d-%d@example.com", run_id, label, round, thread_id or 0, counter)
    return wrk.format("POST", "/wc-api/v2/customers", headers_json, string.format(CREATE_BODY, email))
end

local UPDATE_BODY = '{"customer":{"first_name":"Jane"}}'

function update_customer()
    sent.update = sent.update + 1
    return wrk.format("PUT", "/wc-api/v2/customers/" .. math.random(FIRST_ID, LAST_ID), headers_json, UPDATE_BODY)
end

-- The customer api-bench.sh gives 10 orders (ORDERS_CUSTOMER there) and the product it creates (id 1).
local ORDERS_CUSTOMER, ORDER_PRODUCT = 100, 1

function customer_orders()
    sent.orders = sent.orders + 1
    return wrk.format("GET", "/wc-api/v2/customers/" .. ORDERS_CUSTOMER .. "/orders", headers_get)
end

local ORDER_BODY = '{"order":{"customer_id":%d,"payment_details":{"method_id":"bacs","method_title":"Direct Bank '
    .. 'Transfer","paid":true},"line_items":[{"product_id":' .. ORDER_PRODUCT .. ',"quantity":2}],'
    .. '"shipping_lines":[{"method_id":"flat_rate","method_title":"Flat Rate","total":"10.00"}]}}'

function create_order()
    sent.order_create = sent.order_create + 1
    return wrk.format("POST", "/wc-api/v2/orders", headers_json, string.format(ORDER_BODY, math.random(FIRST_ID, LAST_ID)))
end

function request()
    return next_request()
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

local function json_counts(t)
    local keys = {}
    for k in pairs(t) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for _, k in ipairs(keys) do
        parts[#parts + 1] = string.format('"%s":%d', tostring(k), t[k])
    end
    return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
    local total_statuses, total_sent = {}, { get = 0, list = 0, create = 0, update = 0 }
    for _, thread in ipairs(threads) do
        for status, n in pairs(thread:get("statuses") or {}) do
            total_statuses[status] = (total_statuses[status] or 0) + n
        end
        for kind, n in pairs(thread:get("sent") or {}) do
            total_sent[kind] = (total_sent[kind] or 0) + n
        end
    end
    io.write("API-STATS {\"statuses\":", json_counts(total_statuses), ",\"sent\":", json_counts(total_sent), "}\n")
end
