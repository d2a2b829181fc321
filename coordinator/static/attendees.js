// The activity form's attendee search, as you type. Without this script the form works
// the same way through its "Find" button; with it, matches come from the JSON endpoint
// (scoped to the partnership on the server) and are added as checkboxes, and Enter in the
// search field searches instead of sending the form. Text is set with textContent only.
(function () {
  "use strict";
  var fieldset = document.querySelector("fieldset.attendees[data-search-url]");
  if (!fieldset || !window.fetch) return;
  var form = fieldset.form || fieldset.closest("form");
  var input = fieldset.querySelector("input[type=search]");
  var find = fieldset.querySelector("button[name=find]");
  var results = document.getElementById("attendees-matches");
  var link = form.querySelector("select[name=link]");
  var url = fieldset.getAttribute("data-search-url");
  var timer = null;
  var asked = 0;

  // "Find" now searches in place, so "Record it" becomes the button Enter presses.
  find.type = "button";
  find.removeAttribute("name");

  function listed() {
    var ids = {};
    fieldset.querySelectorAll("input[name=attendee_ids]").forEach(function (box) {
      ids[box.value] = box;
    });
    return ids;
  }

  // Boxes the person ticked stay where they are when the matches are replaced.
  function keepTicked() {
    var chosen = document.getElementById("attendees-chosen");
    results.querySelectorAll("input[name=attendee_ids]").forEach(function (box) {
      if (box.checked) chosen.appendChild(box.closest("label"));
    });
  }

  function person(colleague) {
    var label = document.createElement("label");
    label.className = "check";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = "attendee_ids";
    box.value = String(colleague.id);
    var text = document.createElement("span");
    text.textContent = colleague.name;
    if (colleague.organisation) {
      var org = document.createElement("span");
      org.className = "muted";
      org.textContent = " (" + colleague.organisation + ")";
      text.appendChild(org);
    }
    label.appendChild(box);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(text);
    return label;
  }

  function show(people, q) {
    keepTicked();
    results.textContent = "";
    var already = listed();
    var fresh = people.filter(function (c) { return !already[String(c.id)]; });
    if (!q) return;
    if (!fresh.length) {
      var none = document.createElement("p");
      none.className = "muted";
      none.textContent = people.length ? "Everyone matching “" + q + "” is listed above."
                                       : "Nobody else's name holds “" + q + "”.";
      results.appendChild(none);
      return;
    }
    var heading = document.createElement("h3");
    heading.className = "h4";
    heading.textContent = "Matching “" + q + "”";
    var list = document.createElement("div");
    list.className = "checkbox-list";
    fresh.forEach(function (c) { list.appendChild(person(c)); });
    results.appendChild(heading);
    results.appendChild(list);
  }

  function search() {
    var q = input.value.trim();
    var mine = ++asked;
    if (!q) { show([], ""); return; }
    fetch(url + "?q=" + encodeURIComponent(q), {
      credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") !== 0) throw new Error("no");
      return response.json();
    }).then(function (data) {
      if (mine === asked) show(data.matches || [], q);  // an older answer is dropped
    }).catch(function () { /* the Find button's page still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); search(); }
  });
  find.addEventListener("click", function () { clearTimeout(timer); search(); });

  // Choosing the task or group lists its people first, as the page does without script.
  if (link) link.addEventListener("change", function () {
    var value = link.value;
    fetch(url + "?link=" + encodeURIComponent(value), {
      credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") !== 0) throw new Error("no");
      return response.json();
    }).then(function (data) {
      if (link.value !== value) return;
      var team = document.getElementById("attendees-team");
      var heading = document.getElementById("attendees-team-heading");
      if (!team) {
        heading = document.createElement("h3");
        heading.className = "h4";
        heading.id = "attendees-team-heading";
        team = document.createElement("div");
        team.className = "checkbox-list";
        team.id = "attendees-team";
        team.setAttribute("aria-labelledby", heading.id);
        var chosen = document.getElementById("attendees-chosen");
        chosen.parentNode.insertBefore(team, chosen.nextSibling);
        chosen.parentNode.insertBefore(heading, team);
      }
      team.querySelectorAll("input[name=attendee_ids]").forEach(function (box) {
        if (box.checked) document.getElementById("attendees-chosen")
          .appendChild(box.closest("label"));
      });
      team.textContent = "";
      var already = listed();
      (data.team || []).forEach(function (c) {
        if (!already[String(c.id)]) team.appendChild(person(c));
      });
      heading.textContent = value.indexOf("task:") === 0 ? "On the task" : "In the working group";
      heading.hidden = team.hidden = !team.children.length;
    }).catch(function () { /* the list stays as it was */ });
  });
})();
