/*
 * The upload widget: Uppy's Dashboard (drag and drop, progress, cancel, retry) on every
 * [data-upload-widget] field whose page says the user may use the File API's multipart uploads
 * (data-resumable="true"). Files go to the portal over tus (/files/tus, Uppy's Tus plugin) in
 * 8 MiB requests, so a dropped connection resumes at the portal's offset, after retry or after a
 * reload of the page (tus-js-client keeps the upload's URL in the browser). Where the page lists
 * storages that take parts straight from the browser (data-direct-storages), files for those go
 * to the object store in parts the portal signed (files_multipart_start with direct=true), and
 * files for the others in parts through the files_multipart_* actions. The finished file's id goes
 * into the form as file_id (resource_create adopts it), or the page reloads (the file dashboard).
 * Without this script, or where multipart uploads are not allowed, the plain file input stays.
 */
(function () {
  'use strict';
  var U = window.Uppy;
  if (!U || !U.Uppy || !U.Dashboard || !U.BasePlugin) { return; }
  var csrf = document.body.getAttribute('data-csrf-token');
  var base = document.body.getAttribute('data-base') || '';
  var API = base + '/api/3/action/';
  var PART = 8 * 1024 * 1024;

  function failure(reply, status) {
    var e = reply && reply.error ? reply.error : {};
    var fields = Object.keys(e).filter(function (k) { return k !== '__type' && k !== 'message'; });
    var detail = fields.map(function (k) { return k + ': ' + [].concat(e[k]).join(' '); }).join('; ');
    var err = new Error((e.message || ('HTTP ' + status)) + (detail ? ' (' + detail + ')' : ''));
    err.status = status;
    return err;
  }

  function action(name, data, signal) {
    return fetch(API + name, {
      method: 'POST', credentials: 'same-origin', signal: signal,
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify(data)
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (j) {
        if (!r.ok || !j || !j.success) { throw failure(j, r.status); }
        return j.result;
      });
    });
  }

  // One part as multipart/form-data, with upload progress (fetch cannot report it).
  function sendPart(form, onProgress, signal) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', API + 'files_multipart_update');
      xhr.setRequestHeader('X-CSRFToken', csrf);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { onProgress(e.loaded); } };
      xhr.onload = function () {
        var j = null;
        try { j = JSON.parse(xhr.responseText); } catch (ignored) { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300 && j && j.success) { resolve(j.result); } else { reject(failure(j, xhr.status)); }
      };
      xhr.onerror = function () { reject(new Error('The connection to the portal was lost: press retry to resume')); };
      xhr.onabort = function () { reject(new DOMException('Cancelled', 'AbortError')); };
      if (signal) { signal.addEventListener('abort', function () { xhr.abort(); }); }
      xhr.send(form);
    });
  }

  // One part PUT straight to the object store at the URL the portal signed; resolves with its ETag.
  function putPart(part, blob, onProgress, signal) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(part.method || 'PUT', part.url);
      Object.keys(part.headers || {}).forEach(function (h) {
        if (!/^(host|content-length)$/i.test(h)) { xhr.setRequestHeader(h, part.headers[h]); }
      });
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { onProgress(e.loaded); } };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) { resolve(xhr.getResponseHeader('ETag') || ''); } else {
          var err = new Error('The storage refused part ' + part.number + ' (HTTP ' + xhr.status + '): press retry');
          err.status = xhr.status;
          reject(err);
        }
      };
      xhr.onerror = function () { reject(new Error('The connection to the storage was lost: press retry to resume')); };
      xhr.onabort = function () { reject(new DOMException('Cancelled', 'AbortError')); };
      if (signal) { signal.addEventListener('abort', function () { xhr.abort(); }); }
      xhr.send(blob);
    });
  }

  // A direct upload's parts that the object store does not have yet, each PUT to its signed URL.
  async function sendDirect(uppy, file, state, started, signal) {
    var size = state.direct.part_size;
    var count = Math.max(1, Math.ceil(file.size / size));
    var missing = [];
    for (var n = 1; n <= count; n++) { if (state.etags[String(n)] === undefined) { missing.push(n); } }
    if (missing.length === 0) { return; }
    var urls = {};
    var signed = state.tried
      ? (await action('files_multipart_refresh', { id: state.id, part_numbers: missing }, signal)).direct.parts
      : state.direct.parts;
    signed.forEach(function (p) { urls[String(p.number)] = p; });
    state.tried = true;
    var sent = (count - missing.length) * size;
    for (var i = 0; i < missing.length; i++) {
      var number = missing[i];
      var from = (number - 1) * size;
      var to = Math.min(number * size, file.size);
      var before = sent;
      var etag = await putPart(urls[String(number)], file.data.slice(from, to), function (loaded) {
        uppy.emit('upload-progress', uppy.getFile(file.id), { uploadStarted: started, bytesUploaded: Math.min(file.size, before + loaded), bytesTotal: file.size });
      }, signal);
      state.etags[String(number)] = etag;
      sent += to - from;
    }
  }

  class PortalMultipart extends U.BasePlugin {
    constructor(uppy, opts) {
      super(uppy, opts);
      this.id = 'PortalMultipart';
      this.type = 'uploader';
      this.upload = this.upload.bind(this);
    }

    install() {
      this.uppy.addUploader(this.upload);
      this.uppy.setState({ capabilities: Object.assign({}, this.uppy.getState().capabilities, { resumableUploads: true }) });
    }

    uninstall() { this.uppy.removeUploader(this.upload); }

    upload(ids) {
      var self = this;
      return Promise.allSettled(ids.map(function (id) { return self.uploadOne(self.uppy.getFile(id)); }));
    }

    async uploadOne(file) {
      var uppy = this.uppy;
      var opts = this.opts;
      var controller = new AbortController();
      var removed = function (f) { if (f.id === file.id) { controller.abort(); } };
      uppy.on('file-removed', removed);
      uppy.on('cancel-all', function () { controller.abort(); });
      var started = Date.now();
      uppy.emit('upload-start', [file]);
      var state = file.portalMultipart;
      try {
        if (!state) {
          var start = { name: file.name, size: file.size, content_type: file.type || '' };
          var storage = (typeof opts.storage === 'function' ? opts.storage() : opts.storage) || opts.defaultStorage;
          if (storage) { start.storage = storage; }
          var direct = (opts.direct || []).indexOf(storage) >= 0;
          if (direct) { start.direct = true; }
          var made = await action('files_multipart_start', start, controller.signal);
          state = { id: made.id, direct: direct ? made.direct : null, etags: {} };
          uppy.setFileState(file.id, { portalMultipart: state });
        }
        if (state.direct) {
          // Straight to the object store: the portal only signs the parts and checks the result.
          await sendDirect(uppy, file, state, started, controller.signal);
          var parts = Object.keys(state.etags).map(function (k) { return { number: Number(k), etag: state.etags[k] }; });
          var finished = await action('files_multipart_complete', { id: state.id, parts: parts }, controller.signal);
          uppy.emit('upload-success', uppy.getFile(file.id), { status: 200, body: finished, uploadURL: base + '/files/download/' + finished.id });
          return finished;
        }
        var known = await action('files_multipart_refresh', { id: state.id }, controller.signal);
        var have = known.parts || {};
        var count = Math.max(1, Math.ceil(file.size / PART));
        var sent = 0;
        for (var n = 1; n <= count; n++) {
          var from = (n - 1) * PART;
          var to = Math.min(n * PART, file.size);
          if (have[String(n)] !== undefined) { sent += to - from; continue; }
          var form = new FormData();
          form.append('id', state.id);
          form.append('part', String(n));
          form.append('upload', file.data.slice(from, to), file.name);
          var before = sent;
          await sendPart(form, function (loaded) {
            uppy.emit('upload-progress', uppy.getFile(file.id), { uploadStarted: started, bytesUploaded: before + loaded, bytesTotal: file.size });
          }, controller.signal);
          sent += to - from;
        }
        var done = await action('files_multipart_complete', { id: state.id }, controller.signal);
        uppy.emit('upload-success', uppy.getFile(file.id), { status: 200, body: done, uploadURL: base + '/files/download/' + done.id });
        return done;
      } catch (err) {
        if (controller.signal.aborted) {
          if (state && uppy.getFile(file.id) === undefined) {
            action('files_multipart_abort', { id: state.id }).catch(function () { /* the cleanup task finds it */ });
          }
          return null;
        }
        if (state && state.direct && (err.status === 404 || err.status === 409)) {
          // A refused direct completion ended the upload at the portal: retry starts a new one.
          uppy.setFileState(file.id, { portalMultipart: null });
        }
        uppy.emit('upload-error', uppy.getFile(file.id), err);
        throw err;
      } finally {
        uppy.off('file-removed', removed);
      }
    }
  }

  // tus: the portal names the file a finished upload became in Portal-File-Id (on the last PATCH, or a HEAD).
  function useTus(uppy, storageOf) {
    var files = {};
    var uploadId = function (url) { return String(url || '').split('?')[0].split('/').pop(); };
    uppy.use(U.Tus, {
      endpoint: base + '/files/tus', chunkSize: PART, headers: { 'X-CSRFToken': csrf },
      allowedMetaFields: ['filename', 'content_type', 'storage'],
      onAfterResponse: function (req, res) {
        var id = res.getHeader('Portal-File-Id');
        if (id) { files[uploadId(req.getURL())] = id; }
      }
    });
    uppy.on('file-added', function (file) {
      var meta = { filename: file.name, content_type: file.type || '' };
      var storage = storageOf();
      if (storage) { meta.storage = storage; }
      uppy.setFileMeta(file.id, meta);
    });
    uppy.on('upload-success', function (file, response) {
      var id = files[uploadId(response.uploadURL)];
      if (id) { response.body = Object.assign({}, response.body, { id: id }); }
    });
  }

  // Image fields: Uppy's Dashboard picks the file (drag and drop, a preview); the form sends it.
  document.querySelectorAll('[data-upload-widget][data-upload-mode="form"]').forEach(function (box) {
    var input = box.querySelector('input[type=file]');
    if (!input || typeof DataTransfer === 'undefined') { return; }
    var target = document.createElement('div');
    target.className = 'upload-widget';
    input.parentNode.insertBefore(target, input);
    input.hidden = true;
    var uppy = new U.Uppy({ id: 'pick-' + (box.getAttribute('data-upload-field') || 'file'), autoProceed: false,
      restrictions: { maxNumberOfFiles: 1, allowedFileTypes: ['image/*'] } });
    uppy.use(U.Dashboard, { inline: true, target: target, height: 220, proudlyDisplayPoweredByUppy: false,
      hideUploadButton: true, hideProgressDetails: true });
    uppy.on('file-added', function (file) {
      var chosen = new DataTransfer();
      chosen.items.add(new File([file.data], file.name, { type: file.type }));
      input.files = chosen.files;
    });
    uppy.on('file-removed', function () { input.value = ''; });
    box.uppy = uppy;
  });

  document.querySelectorAll('[data-upload-widget][data-resumable="true"]').forEach(function (box) {
    var input = box.querySelector('input[type=file]');
    if (!input) { return; }
    var form = box.closest('form');
    var target = document.createElement('div');
    target.className = 'upload-widget';
    input.parentNode.insertBefore(target, input);
    input.hidden = true;
    input.disabled = true;
    var fileId = document.createElement('input');
    fileId.type = 'hidden';
    fileId.name = box.getAttribute('data-file-id-field') || 'file_id';
    box.appendChild(fileId);
    var uppy = new U.Uppy({ id: 'upload-' + (box.getAttribute('data-upload-field') || 'file'), autoProceed: true,
      restrictions: { maxNumberOfFiles: box.hasAttribute('data-reload-on-success') ? 20 : 1 } });
    uppy.use(U.Dashboard, { inline: true, target: target, height: 280, proudlyDisplayPoweredByUppy: false,
      showRemoveButtonAfterComplete: true, note: box.getAttribute('data-note') || null });
    // A storage choice (where the user may upload into several) goes with each file the widget starts.
    var choice = box.querySelector('[data-storage-select]');
    var chooser = box.querySelector('[data-widget-only]');
    if (chooser) { chooser.hidden = false; }
    var storageOf = function () { return choice ? choice.value : null; };
    var direct = (box.getAttribute('data-direct-storages') || '').split(' ').filter(Boolean);
    if (direct.length > 0 || !U.Tus) {
      uppy.use(PortalMultipart, { storage: storageOf, direct: direct, defaultStorage: box.getAttribute('data-storage-default') });
    } else {
      useTus(uppy, storageOf);
    }
    var earlier = form ? form.querySelector('select[name="file_id"]') : null;
    uppy.on('upload-success', function (file, response) {
      fileId.value = response.body.id;
      if (earlier) { earlier.disabled = true; }
      box.setAttribute('data-file-id', response.body.id);
      var name = form ? form.querySelector('input[name="name"]') : null;
      if (name && !name.value) { name.value = file.name; }
    });
    uppy.on('file-removed', function () {
      fileId.value = '';
      if (earlier) { earlier.disabled = false; }
    });
    if (box.hasAttribute('data-reload-on-success')) {
      uppy.on('complete', function (result) { if (result.failed.length === 0 && result.successful.length > 0) { window.location.reload(); } });
    }
    box.uppy = uppy;
  });
})();
