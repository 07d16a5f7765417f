/*
 * Stands between terraform and a shared AWS provider process (scripts/shared-provider.ts) and
 * answers the two calls that cost. GetSchema: the provider builds and sends its whole schema
 * (every AWS resource and data source, ~0.6 CPU-s) and terraform decodes all of it (~1.3 CPU-s),
 * for every command, though a stack uses a few dozen types. Here the provider's answer is asked
 * once, kept, and each command gets it cut down to the types its folder names (the owner writes
 * them to the control file before each command; no control file: the whole schema). Every other
 * call, streams included, is passed through unchanged, headers and trailers as they come, but
 * PrepareProviderConfig, whose answers are kept per request (answerValidation).
 *
 * gRPC is HTTP/2 with length-prefixed messages, so node's own http2 module carries it; only the
 * schema answer is read, at the level of its top fields and map keys: what is kept is copied
 * byte for byte from the provider's answer, nothing is re-encoded.
 *
 * Usage: node provider-proxy.js <provider socket> <listen socket> <control file>
 * Prints "listening" once terraform can attach.
 */
"use strict";
const http2 = require("node:http2");
const net = require("node:net");
const fs = require("node:fs");

const SCHEMA_PATH = "/tfplugin5.Provider/GetSchema";
/** GetProviderSchema.Response (tfplugin5.8): the maps keyed by type name, and which types name them. */
const TYPE_MAPS = { 2: "resources", 3: "data", 8: "ephemeral" };
const { NGHTTP2_FLAG_END_STREAM } = http2.constants;

/** Reads a protobuf varint at `pos`: [value, next position]. Lengths here stay far below 2^53. */
function varint(buf, pos) {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** The fields of one protobuf message: field number, wire type, value span, whole span. */
function* fields(buf, start = 0, end = buf.length) {
  let pos = start;
  while (pos < end) {
    const from = pos;
    let tag;
    [tag, pos] = varint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let valueStart = pos;
    if (wire === 0) [, pos] = varint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let length;
      [length, valueStart] = varint(buf, pos);
      pos = valueStart + length;
    } else throw new Error(`unexpected protobuf wire type ${wire} in the provider's schema`);
    yield { field, wire, valueStart, valueEnd: pos, from, to: pos };
  }
}

/** The key (field 1) of a map entry. */
function entryKey(buf, start, end) {
  for (const f of fields(buf, start, end)) if (f.field === 1) return buf.toString("utf8", f.valueStart, f.valueEnd);
  return "";
}

/** The schema answer keeping only the named types of each map; everything else as it was. */
function trimSchema(message, wanted) {
  const kept = [];
  for (const f of fields(message)) {
    const kind = TYPE_MAPS[f.field];
    if (kind && f.wire === 2 && !wanted[kind].has(entryKey(message, f.valueStart, f.valueEnd))) continue;
    kept.push(message.subarray(f.from, f.to));
  }
  return Buffer.concat(kept);
}

/** One gRPC message frame: uncompressed flag, big-endian length, message. */
function frame(message) {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

function unframe(body) {
  if (body.length < 5 || body[0] !== 0) throw new Error("the provider's schema answer is not one uncompressed gRPC message");
  return body.subarray(5, 5 + body.readUInt32BE(1));
}

let upstreamPath;
let controlFile;
let upstream;

function session() {
  if (!upstream || upstream.closed || upstream.destroyed) {
    upstream = http2.connect("http://localhost", { createConnection: () => net.connect(upstreamPath) });
    upstream.on("error", () => undefined);
  }
  return upstream;
}

/** Request headers as terraform sent them, less those http2 sets per connection. */
function forwardable(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === ":authority" || name === ":scheme" || name === "connection" || name === "keep-alive") continue;
    out[name] = value;
  }
  return out;
}

function pass(stream, headers) {
  const call = session().request(forwardable(headers));
  let trailers;
  call.on("response", (responseHeaders, flags) => {
    if (stream.destroyed) return;
    if (flags & NGHTTP2_FLAG_END_STREAM) stream.respond(responseHeaders, { endStream: true });
    else stream.respond(responseHeaders, { waitForTrailers: true });
  });
  call.on("trailers", (t) => (trailers = t));
  stream.on("wantTrailers", () => stream.sendTrailers(trailers ?? { "grpc-status": "0" }));
  call.pipe(stream);
  stream.pipe(call);
  const fail = () => {
    if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  };
  call.on("error", fail);
  stream.on("error", () => call.close(http2.constants.NGHTTP2_CANCEL));
}

/**
 * One unary call to the provider: `body` is the framed request. Resolves to the framed answer
 * and its gRPC status (from the trailers, or from the headers of a trailers-only answer).
 */
function callUpstream(headers, body) {
  return new Promise((resolve, reject) => {
    const call = session().request(forwardable(headers));
    const chunks = [];
    let status;
    let message;
    const note = (h) => {
      if (h["grpc-status"] !== undefined) [status, message] = [h["grpc-status"], h["grpc-message"]];
    };
    call.on("response", note);
    call.on("trailers", note);
    call.on("data", (c) => chunks.push(c));
    call.on("end", () => resolve({ status: status ?? "2", message, body: Buffer.concat(chunks) }));
    call.on("error", reject);
    call.end(body);
  });
}

/** Answers a stream with a framed message, or with the provider's failure as it came. */
function answer(stream, { status, message, body }) {
  if (stream.destroyed) return;
  if (status !== "0") {
    const failed = { ":status": 200, "content-type": "application/grpc", "grpc-status": status };
    if (message !== undefined) failed["grpc-message"] = message;
    stream.respond(failed, { endStream: true });
    return;
  }
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
  stream.end(body);
}

function requestBody(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

let fullSchema;

/** The provider's whole schema answer, asked once. */
function schema(headers) {
  fullSchema ??= callUpstream(headers, frame(Buffer.alloc(0))).then((r) => {
    if (r.status !== "0") throw new Error(`GetSchema failed: grpc-status ${r.status} ${decodeURIComponent(r.message ?? "")}`);
    return unframe(r.body);
  });
  fullSchema.catch(() => (fullSchema = undefined));
  return fullSchema;
}

const trimmed = new Map();

function wantedTypes() {
  let text;
  try {
    text = fs.readFileSync(controlFile, "utf8");
  } catch {
    return undefined;
  }
  const types = JSON.parse(text);
  return { key: text, resources: new Set(types.resources), data: new Set(types.data), ephemeral: new Set(types.ephemeral) };
}

async function answerSchema(stream, headers) {
  await requestBody(stream);
  const full = await schema(headers);
  const wanted = wantedTypes();
  let message = full;
  if (wanted) {
    if (!trimmed.has(wanted.key)) trimmed.set(wanted.key, trimSchema(full, wanted));
    message = trimmed.get(wanted.key);
  }
  answer(stream, { status: "0", body: frame(message) });
}

const validated = new Map();

/**
 * PrepareProviderConfig checks a provider configuration and fills in its defaults: its answer
 * depends on the request alone (and on the provider's environment, fixed for its life). The
 * provider takes 0.3 s for it, and 2 s for a configuration with an `endpoints` block (measured,
 * aws 5.100.0), and terraform asks it twice a plan: an answer already given is given again.
 */
async function answerValidation(stream, headers) {
  const body = await requestBody(stream);
  const key = body.toString("latin1");
  let result = validated.get(key);
  if (!result) {
    result = await callUpstream(headers, body);
    if (result.status === "0") validated.set(key, result);
  }
  answer(stream, result);
}

const ANSWERED = {
  [SCHEMA_PATH]: answerSchema,
  "/tfplugin5.Provider/PrepareProviderConfig": answerValidation,
};

function main([upstreamSocket, listenSocket, control]) {
  upstreamPath = upstreamSocket;
  controlFile = control;
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    stream.on("error", () => undefined);
    const own = ANSWERED[headers[":path"]];
    if (!own) return pass(stream, headers);
    // 13: INTERNAL, with what went wrong here.
    own(stream, headers).catch((e) => answer(stream, { status: "13", message: encodeURIComponent(String(e.message)) }));
  });
  server.listen(listenSocket, () => process.stdout.write("listening\n"));
}

if (require.main === module) main(process.argv.slice(2));

module.exports = { trimSchema };
