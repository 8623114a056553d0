/* Portalkit pages: enhancements only; every page works without this file. */
(function () {
  'use strict';
  var csrf = document.body.getAttribute('data-csrf-token');

  // A preview of a CSV or text resource: the first 64 KiB, fetched with a Range request.
  document.querySelectorAll('[data-preview]').forEach(function (box) {
    var kind = box.getAttribute('data-preview');
    fetch(box.getAttribute('data-src'), { headers: { Range: 'bytes=0-65535' }, credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (text) {
        box.textContent = '';
        if (kind === 'table') {
          var table = document.createElement('table');
          text.split(/\r?\n/).slice(0, 51).forEach(function (line, i) {
            if (!line) { return; }
            var tr = document.createElement('tr');
            parseCsvLine(line).forEach(function (cell) {
              var td = document.createElement(i === 0 ? 'th' : 'td');
              td.textContent = cell;
              tr.appendChild(td);
            });
            table.appendChild(tr);
          });
          box.appendChild(table);
        } else {
          var pre = document.createElement('pre');
          pre.textContent = text;
          box.appendChild(pre);
        }
      })
      .catch(function () { /* the download link stays */ });
  });

  function parseCsvLine(line) {
    var out = [], cur = '', quoted = false;
    for (var i = 0; i < line.length; i++) {
      var c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') { quoted = false; } else { cur += c; }
      } else if (c === '"') { quoted = true; } else if (c === ',') { out.push(cur); cur = ''; } else { cur += c; }
    }
    out.push(cur);
    return out;
  }

  window.Portalkit = { csrfToken: csrf };
})();
