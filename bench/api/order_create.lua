-- POST /wc-api/v2/orders, a paid order with a product line and a shipping line (expects 201).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
function next_request() return create_order() end
