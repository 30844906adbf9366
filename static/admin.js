// pharos admin console — progressive enhancement only; every form works without it.
//  - selects with class "autosubmit" submit their form on change (the status dropdown
//    applies at once), and the "Apply" buttons marked js-hide are hidden;
//  - <time datetime> values are shown in the page's time zone (html data-time-zone), named;
//  - "Copy" buttons copy a token or invitation link shown once.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  function ready(fn) {
    if (document.readyState !== 'loading') fn(); else document.addEventListener('DOMContentLoaded', fn);
  }
  ready(function () {
    document.querySelectorAll('select.autosubmit').forEach(function (sel) {
      sel.addEventListener('change', function () {
        if (sel.form) { sel.form.classList.add('busy'); sel.form.submit(); }
      });
    });
    // times in the page's time zone (its settings), named, as the forms take them
    var zone = document.documentElement.getAttribute('data-time-zone') || 'UTC';
    var opts = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
      timeZoneName: 'short', timeZone: zone };
    var fmt;
    try { fmt = new Intl.DateTimeFormat(undefined, opts); } catch (e) {
      opts.timeZone = 'UTC'; fmt = new Intl.DateTimeFormat(undefined, opts);
    }
    document.querySelectorAll('time[datetime]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d)) { t.title = t.getAttribute('datetime'); t.textContent = fmt.format(d); }
    });
    document.querySelectorAll('.js-copy').forEach(function (b) {
      var src = document.getElementById(b.getAttribute('data-copy'));
      if (!src || !navigator.clipboard) return;
      b.hidden = false;
      b.addEventListener('click', function () {
        navigator.clipboard.writeText(src.textContent.trim()).then(function () { b.textContent = 'Copied'; });
      });
    });
  });
})();
