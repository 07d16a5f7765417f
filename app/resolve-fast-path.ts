import { DefaultTokenResolver, StringConcat, Token } from "cdktf";
import cdktfPackage = require("cdktf/package.json");
import stackTokens = require("cdktf/lib/_tokens");
import cdktfResolver = require("cdktf/lib/tokens/private/resolve");
import { IConstruct } from "constructs";
import { withReplaced } from "./replaced-during";

/*
 * A fast path through cdktf's token resolution, for synthesis. Profiled on a fleet of 500
 * projects, cdktf's resolver was three quarters of the time: a stack resolves each element
 * once to find cross-stack references (prepareStack), once more to write it, then the whole
 * stack again (toTerraform); each time every key and every value of every element goes
 * through the resolver (a context object and three regular expressions per string), though
 * nearly all of them are plain JSON: the names, the fixed attributes, the JSON of a
 * resolved stack. Here plain values are copied as cdktf would return them, and everything
 * else is handed to cdktf's own resolver at the same place (its key path, its depth), so
 * the result, the errors and the order in which tokens are resolved are cdktf's.
 *
 * The one function replaced is `resolve` of cdktf/lib/_tokens, which terraform-stack.js
 * alone calls (prepareStack, toTerraform, toHclTerraform), reading it from the module at
 * each call. Why a copy is exactly what cdktf 0.21.0 returns (lib/tokens/private/resolve.js
 * and encoding.js):
 * - undefined, null and booleans come back as they are; undefined is left out of objects
 *   and arrays.
 * - A string comes back as it is unless it holds a token marker (`${TfToken[`, `#{TfToken[`
 *   and `&{TfToken[` all hold `{TfToken[`), or matches the pattern cdktf looks for numbers
 *   encoded in strings with, or is one of the map-token sentinel values (which cdktf refuses).
 *   Keys are resolved as strings, so an object whose keys are all plain keeps them.
 * - A number comes back as it is unless it encodes a token: those are doubles near -1e289
 *   or -1e298 (cdktf's marker bits), so any number smaller than 1e250 in magnitude is plain
 *   (cdktf's NUMBER_MAP_TOKEN_VALUE, which it refuses, excepted).
 * - Arrays and objects with the plain prototype are walked key by key, unless they may be a
 *   token (a `resolve` function; a list or map token inside), or look like a construct to
 *   cdktf (it refuses those); depth past cdktf's limit of 200 goes to cdktf, which stops.
 * Nothing else is copied: class instances, dates, functions, tokens go to cdktf's resolver,
 * with the key path cdktf would have given (its error messages name it) and no previous
 * context, which is what cdktf passes down a path of plain objects and arrays (it copies
 * the previous context's fields, all unset from the top down to the first token).
 *
 * It is installed only around a synthesis (withResolveFastPath) and only where the cdktf
 * loaded is 0.21.0, the version pinned in package.json and read here; with another version
 * cdktf runs as it is. __tests__/app/resolve-fast-path.test.ts compares it with cdktf's
 * resolver on generated values, errors included, and whole apps with and without it.
 */

/** The cdktf version whose resolver this was read against. */
export const CDKTF_VERSION = "0.21.0";

/** Part of each of cdktf's token markers. */
const MARKER = "{TfToken[";
/** cdktf's NUMBER_TOKEN_REGEX (encoding.js), without the global flag. */
const NUMBER_IN_STRING = /[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)/;
/** cdktf refuses to resolve deeper (circular references). */
const MAX_DEPTH = 200;
/** No number token is smaller: their top 16 bits are 0xfdff or 0xfbff. */
const PLAIN_NUMBER_BOUND = 1e250;

type StackResolve = (scope: IConstruct, obj: unknown, preparing?: boolean) => unknown;

function plainString(s: string): boolean {
  return !s.includes(MARKER) && !NUMBER_IN_STRING.test(s) && s !== Token.STRING_MAP_TOKEN_VALUE && s !== Token.ANY_MAP_TOKEN_VALUE;
}

function plainNumber(n: number): boolean {
  return Math.abs(n) < PLAIN_NUMBER_BOUND && n !== Token.NUMBER_MAP_TOKEN_VALUE;
}

/** An element of an array that could make cdktf resolve the array as a list token. */
function listTokenCandidate(x: unknown): boolean {
  return (typeof x === "string" && x.includes(MARKER)) || (typeof x === "number" && !plainNumber(x));
}

const resolver = new DefaultTokenResolver(new StringConcat());

/** What cdktf's stack-level `resolve` returns, computed without cdktf for plain values. */
export const fastResolve: StackResolve = (scope, obj, preparing = false) => {
  const path: string[] = [];
  const byCdktf = (x: unknown) => cdktfResolver.resolve(x, { scope, preparing, resolver, prefix: [...path] });
  // No finally: an error from cdktf's resolver ends this whole resolve, and its path with it.
  const at = (key: string, x: unknown) => {
    path.push(key);
    const r = walk(x);
    path.pop();
    return r;
  };
  const walk = (x: unknown): unknown => {
    if (path.length > MAX_DEPTH) return byCdktf(x);
    switch (typeof x) {
      case "undefined":
      case "boolean":
        return x;
      case "string":
        return plainString(x) ? x : byCdktf(x);
      case "number":
        return plainNumber(x) ? x : byCdktf(x);
      case "object": {
        if (x === null) return null;
        if (Array.isArray(x)) {
          if (x.some(listTokenCandidate)) return byCdktf(x);
          const out: unknown[] = [];
          for (let i = 0; i < x.length; i++) {
            const r = at(String(i), x[i]);
            if (r !== undefined) out.push(r);
          }
          return out;
        }
        const proto = Object.getPrototypeOf(x);
        if (proto !== Object.prototype && proto !== null) return byCdktf(x);
        const o = x as Record<string, unknown>;
        if (typeof o.resolve === "function" || (o._children !== undefined && o._metadata !== undefined)) return byCdktf(x);
        const keys = Object.keys(o);
        if (!keys.every(plainString)) return byCdktf(x);
        const out: Record<string, unknown> = {};
        for (const key of keys) {
          const r = at(key, o[key]);
          if (r !== undefined) out[key] = r;
        }
        return out;
      }
      default:
        return byCdktf(x);
    }
  };
  return walk(obj);
};

/** Whether the fast path can stand in for the loaded cdktf's resolver. */
export function fastPathApplies(version: string = cdktfPackage.version): boolean {
  return version === CDKTF_VERSION && typeof stackTokens.resolve === "function" && typeof cdktfResolver.resolve === "function";
}

/** Runs `work` (a synthesis) with the fast path in place of cdktf's stack-level resolve, where it applies. */
export function withResolveFastPath<T>(work: () => T): T {
  if (!fastPathApplies()) return work();
  return withReplaced(stackTokens as { resolve: StackResolve }, "resolve", fastResolve, work);
}
