// The start of every built executable (scripts/build.mjs prepends it, minified): compiles the
// bundle, which follows as the string __pgbeatMain, and runs it as this CommonJS module.
//
// monitor (and status) run every few seconds, and compiling the bundle is a good part of their
// cost; V8 can skip that with a code cache. After a monitor that compiled from scratch, the
// functions it used are saved to HA_RSCTMP (default /run/resource-agents, cleared at boot) as
// pgbeat-<agent>-<build hash>-<node version>.v8cache; later monitors start from it. V8 rejects a cache
// that does not match the source, its version or its flags, and a new one is written (removing
// this agent's caches of other builds). A cache
// is executable code: it is read and written only in a directory owned by this user and writable by
// no one else, from a file this user owns and no one else can write.
/* global __pgbeatMain, __pgbeatBuild */
(function (src) {
  var fs = require('fs');
  var vm = require('vm');
  var path = require('path');

  function cachePath() {
    var action = process.argv[process.argv.length - 1];
    if (action !== 'monitor' && action !== 'status') return undefined;
    var dir = process.env.HA_RSCTMP || '/run/resource-agents';
    try {
      var st = fs.statSync(dir);
      if (!st.isDirectory() || st.uid !== process.geteuid() || (st.mode & 0o022) !== 0) return undefined;
    } catch (e) {
      return undefined;
    }
    return path.join(dir, 'pgbeat-' + path.basename(__filename) + '-' + __pgbeatBuild + '-' + process.version + '.v8cache');
  }

  function readCache(file) {
    try {
      var fd = fs.openSync(file, 'r');
      try {
        var st = fs.fstatSync(fd);
        if (st.uid !== process.geteuid() || (st.mode & 0o022) !== 0) return undefined;
        return fs.readFileSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      return undefined;
    }
  }

  var file = cachePath();
  var cached = file && readCache(file);
  var script = new vm.Script('(function(exports,require,module,__filename,__dirname){' + src + '\n})', {
    filename: __filename,
    cachedData: cached,
  });
  if (file && (!cached || script.cachedDataRejected)) {
    process.once('exit', function () {
      var tmp = file + '.' + process.pid;
      try {
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, file);
        // Caches of earlier builds or Node versions of this agent will never be read again.
        var prefix = 'pgbeat-' + path.basename(__filename) + '-';
        fs.readdirSync(path.dirname(file)).forEach(function (f) {
          if (f.indexOf(prefix) === 0 && /^[0-9a-f]{16}-v[0-9.]+\.v8cache$/.test(f.slice(prefix.length)) && f !== path.basename(file)) {
            fs.unlinkSync(path.join(path.dirname(file), f));
          }
        });
      } catch (e) {
        try {
          fs.unlinkSync(tmp);
        } catch (e2) {
          // nothing was written
        }
      }
    });
  }
  script.runInThisContext().call(module.exports, module.exports, require, module, __filename, __dirname);
})(__pgbeatMain);
