-- 75 % GET by id, 15 % list, 5 % create, 5 % update, drawn at random for every request.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
function next_request()
    local r = math.random()
    if r < 0.75 then return get_by_id()
    elseif r < 0.90 then return list_page()
    elseif r < 0.95 then return create_customer()
    else return update_customer() end
end
