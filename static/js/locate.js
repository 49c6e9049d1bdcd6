// "Use my location", where the browser can tell it. The position is sent once, rounded to about
// 100 m, in a POST body (never in an address, which access logs keep) and comes back as the
// nearest postal area, filled in the place field. Nothing is stored. Without JavaScript or
// geolocation the button stays hidden and the family types the postal code.
(function () {
  if (!("geolocation" in navigator) || !window.fetch || !window.FormData) return;
  document.querySelectorAll("form[data-locate]").forEach(function (form) {
    var button = form.querySelector(".locate-button");
    var input = form.querySelector("input[name=place]");
    var status = form.querySelector(".locate-status");
    if (!button || !input || !status) return;
    function done(message) {
      status.textContent = message;
      button.disabled = false;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = form.dataset.locateBusy;
      navigator.geolocation.getCurrentPosition(function (position) {
        var body = new FormData();
        body.append("lat", position.coords.latitude.toFixed(3));
        body.append("lon", position.coords.longitude.toFixed(3));
        fetch(form.dataset.locate, { method: "POST", body: body, credentials: "omit" })
          .then(function (response) { return response.json(); })
          .then(function (answer) {
            if (answer.place) {
              input.value = answer.place;
              input.focus();
              done(form.dataset.locateDone);
            } else {
              done(answer.error || form.dataset.locateFailed);
            }
          })
          .catch(function () { done(form.dataset.locateFailed); });
      }, function () {
        done(form.dataset.locateFailed);
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    });
  });
})();
