// pharos admin console — progressive enhancement only; every form works without it.
//  - selects with class "autosubmit" submit their form on change (the status dropdown
//    applies at once), and the "Apply" buttons marked js-hide are hidden;
//  - <time datetime> values are shown in the visitor's local time;
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
    var fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
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
