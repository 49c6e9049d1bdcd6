// The staff editor, a little easier with JavaScript; everything works without it.
// - Limited texts (the summary) show how many characters are left.
// - Each weekly hours grid gets a button that copies Monday's hours to Tuesday–Friday.
(function () {
  "use strict";

  document.querySelectorAll("[data-count-characters]").forEach(function (group) {
    var label = group.getAttribute("data-count-characters");
    group.querySelectorAll("input[maxlength], textarea[maxlength]").forEach(function (input) {
      var counter = document.createElement("p");
      counter.className = "help character-count";
      counter.id = input.id + "_count";
      input.insertAdjacentElement("afterend", counter);
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
      var update = function () {
        counter.textContent = label + ": " + (input.maxLength - input.value.length);
      };
      input.addEventListener("input", update);
      update();
    });
  });

  document.querySelectorAll("[data-hours-grid]").forEach(function (grid) {
    var rows = grid.querySelectorAll("tbody tr");
    if (rows.length < 5) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary button-small";
    button.textContent = grid.getAttribute("data-copy-label");
    button.addEventListener("click", function () {
      var monday = rows[0].querySelectorAll("input");
      for (var day = 1; day <= 4; day++) {
        rows[day].querySelectorAll("input").forEach(function (input, index) {
          input.value = monday[index] ? monday[index].value : "";
        });
      }
    });
    grid.appendChild(button);
  });
})();
