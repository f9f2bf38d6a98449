// The review queue at desk speed, loaded on that page only: keys move between rows and
// decide (htmx sends the row's own form; the row changes in place) and the next open row
// takes the focus. Without this script every row is still a pair of forms.
(function () {
  var d = document, list = d.querySelector('.reviews'), cur, want;
  if (!list) return;
  d.querySelector('.keys').hidden = false;
  function rows() { return [...list.querySelectorAll('li.review')]; }
  function row() { return d.getElementById(cur); }
  function open(li) { return li && !li.getAttribute('aria-busy') && li.querySelector('.actions'); }
  function box(li) { return li && li.querySelector('details'); }
  function more() {  // the rows after the last, asked for before she gets there
    var m = list.querySelector('.more');
    if (m) htmx.trigger(m, 'more');
  }
  function go(li, still) {  // the reasons left open on the row before close
    var b = box(row()), all = rows();
    if (b) b.open = false;
    cur = li.id;
    li.focus({preventScroll: still});
    if (all.length - all.indexOf(li) < 8) more();
  }
  function step(n) {  // to the next row still open (j, a decision), or the one before (k)
    var all = rows(), i = all.indexOf(row());
    for (i += n; i >= 0 && i < all.length; i += n) if (n < 0 || open(all[i])) return go(all[i]);
    if (n > 0) { want = 1; more(); }  // on their way: the first takes the focus when it comes
  }
  function send(form) {  // once: the row is busy until its answer swaps it
    form.closest('li').setAttribute('aria-busy', 'true');
    form.requestSubmit();
    step(1);
  }
  d.addEventListener('keydown', function (e) {
    var li = row(), k = e.key, b = box(li), why = b && b.open && open(li) && b.querySelectorAll('[name=reason]')[k - 1];
    if (e.ctrlKey || e.metaKey || e.altKey || !li ||
        /^(text|textarea|select-one)$/.test(e.target.type) && k != 'Escape') return;
    if (why) { why.checked = true; send(why.form); }
    else if (k == 'j' || k == 'ArrowDown') step(1);
    else if (k == 'k' || k == 'ArrowUp') step(-1);
    else if (k == 'a' && open(li)) send(li.querySelector('form'));
    else if (k == 'r' && b && open(li)) b.open = true;
    else if (k == 'Escape' && b) { b.open = false; li.focus(); }
    else return;
    e.preventDefault();
  });
  list.addEventListener('focusin', function (e) {  // a tap or a click picks the row too
    var li = e.target.closest('li.review');
    if (li) cur = li.id;
  });
  d.body.addEventListener('htmx:afterSettle', function () {
    if (want || d.activeElement == d.body) { want = 0; step(1); }
  });
  var first = rows().filter(open)[0];
  if (first) go(first, true);
})();
