-- PUT /customers/<random id> {"customer":{"first_name":"Jane"}}: the update part of the mix on its own.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
function next_request() return update_customer() end
