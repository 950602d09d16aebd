/* sort-table.js: optional progressive enhancement for <table data-sortable>.
 *
 * Turns each <th scope="col"> into a sort button. Clicking sorts the body rows
 * ascending, a second click descending; the header gets aria-sort and the
 * button's icon changes. Columns with data-sort-type="number" compare the
 * cells' data-sort attributes; cells without one (e.g. "Not found") always go
 * last. Without this script the table is simply shown in its original order.
 */
(function () {
  "use strict";

  var ICONS = { none: "\u2195", ascending: "\u25B2", descending: "\u25BC" };
  var collator = new Intl.Collator(document.documentElement.lang || undefined, {
    numeric: true,
    sensitivity: "base",
  });

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) return null;
    if (numeric) {
      var raw = cell.getAttribute("data-sort");
      if (raw === null || raw === "") return null;
      var n = parseFloat(raw);
      return isNaN(n) ? null : n;
    }
    var text = cell.textContent.trim();
    return cell.classList.contains("not-found") || text === "" ? null : text;
  }

  function sortTable(table, th, index, numeric, direction) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var keyed = rows.map(function (row, i) {
      return { row: row, value: cellValue(row, index, numeric), i: i };
    });
    var sign = direction === "ascending" ? 1 : -1;
    keyed.sort(function (a, b) {
      // Missing values always last, whatever the direction.
      if (a.value === null && b.value === null) return a.i - b.i;
      if (a.value === null) return 1;
      if (b.value === null) return -1;
      var c = numeric ? a.value - b.value : collator.compare(a.value, b.value);
      return c === 0 ? a.i - b.i : c * sign;
    });
    keyed.forEach(function (k) {
      tbody.appendChild(k.row);
    });

    var headers = table.tHead.rows[0].cells;
    for (var h = 0; h < headers.length; h++) {
      var other = headers[h];
      if (other === th) continue;
      other.removeAttribute("aria-sort");
      var icon = other.querySelector(".sort-icon");
      if (icon) icon.textContent = ICONS.none;
    }
    th.setAttribute("aria-sort", direction);
    th.querySelector(".sort-icon").textContent = ICONS[direction];
  }

  function enhance(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      if (th.getAttribute("scope") !== "col") return;
      var numeric = th.getAttribute("data-sort-type") === "number";
      var button = document.createElement("button");
      button.type = "button";
      // Move the header's content into the button so its label stays the same.
      while (th.firstChild) button.appendChild(th.firstChild);
      var icon = document.createElement("span");
      icon.className = "sort-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = ICONS.none;
      button.appendChild(icon);
      th.appendChild(button);

      button.addEventListener("click", function () {
        var next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sortTable(table, th, index, numeric, next);
      });
    });

    // Only now that sorting works, say so in the caption.
    var caption = table.caption;
    if (caption) {
      var hint = document.createElement("span");
      hint.className = "sort-hint";
      hint.textContent = "Select a column heading to sort the table.";
      caption.appendChild(hint);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
})();
