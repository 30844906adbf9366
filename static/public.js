// pharos public page: shows <time datetime> values (UTC) in the visitor's local time.
// Progressive enhancement only: without JavaScript the page shows the UTC times. Dates
// are written the way the page's language (<html lang>) writes them.
// On the subscription preferences, ticking or unticking a service chooses "Only the
// services ticked" (the server refuses "All services" with a service left out).
(function () {
  'use strict';
  var only = document.getElementById('sub-only');
  var boxes = document.querySelectorAll('input[type=checkbox][name=services]');
  for (var k = 0; only && k < boxes.length; k++)
    boxes[k].addEventListener('change', function () { only.checked = true; });
  var fmt;
  try {
    fmt = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: 'medium', timeStyle: 'short' });
  } catch (e) { return; }
  var times = document.querySelectorAll('time[datetime]');
  for (var i = 0; i < times.length; i++) {
    var d = new Date(times[i].getAttribute('datetime'));
    if (!isNaN(d.getTime())) {
      times[i].title = times[i].textContent;
      times[i].textContent = fmt.format(d);
    }
  }
  var tz = document.querySelectorAll('.tz');
  var name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (var j = 0; j < tz.length && name; j++)
    tz[j].textContent = (tz[j].getAttribute('data-local') || 'your time zone ({tz})').replace('{tz}', name);
})();
