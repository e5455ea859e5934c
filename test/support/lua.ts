// Runs an Argo CD resource health check (Lua) on a resource, as Argo CD does: the script sees the
// resource as the global `obj` and returns a table `{ status, message }`. fengari is Lua 5.3 in
// JavaScript; Argo CD's gopher-lua is Lua 5.1, so checks keep to the language both share.
const { lua, lauxlib, lualib, to_luastring, to_jsstring } = require('fengari') as {
  lua: Record<string, (...args: unknown[]) => unknown> & Record<string, number>;
  lauxlib: Record<string, (...args: unknown[]) => unknown>;
  lualib: Record<string, (...args: unknown[]) => unknown>;
  to_luastring: (text: string) => Uint8Array;
  to_jsstring: (bytes: Uint8Array) => string;
};

type LuaState = unknown;

function push(L: LuaState, value: unknown): void {
  if (value === null || value === undefined) lua.lua_pushnil(L);
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
  else if (typeof value === 'number') lua.lua_pushnumber(L, value);
  else if (typeof value === 'string') lua.lua_pushstring(L, to_luastring(value));
  else if (Array.isArray(value)) {
    lua.lua_createtable(L, value.length, 0);
    value.forEach((item, index) => {
      push(L, item);
      lua.lua_rawseti(L, -2, index + 1);
    });
  } else {
    lua.lua_createtable(L, 0, 0);
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      push(L, item);
      lua.lua_setfield(L, -2, to_luastring(key));
    }
  }
}

function field(L: LuaState, name: string): string | undefined {
  lua.lua_getfield(L, -1, to_luastring(name));
  const value = lua.lua_isnil(L, -1) ? undefined : to_jsstring(lua.lua_tostring(L, -1) as Uint8Array);
  lua.lua_pop(L, 1);
  return value;
}

export function runHealthCheck(script: string, obj: unknown): { status?: string; message?: string } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  push(L, obj);
  lua.lua_setglobal(L, to_luastring('obj'));
  if (lauxlib.luaL_dostring(L, to_luastring(script)) !== lua.LUA_OK) {
    throw new Error(`Lua error: ${to_jsstring(lua.lua_tostring(L, -1) as Uint8Array)}`);
  }
  return { status: field(L, 'status'), message: field(L, 'message') };
}
