// Progressive touches only; every page works without this file.
(function () {
  "use strict";
  // Keep the village list to the chosen township.
  var township = document.getElementById("township");
  var village = document.getElementById("village");
  function syncVillages() {
    if (!township || !village) return;
    var t = township.value;
    Array.prototype.forEach.call(village.querySelectorAll("optgroup"), function (g) {
      var show = !t || g.getAttribute("data-township") === t;
      g.hidden = !show;
      g.disabled = !show;
    });
    var chosen = village.options[village.selectedIndex];
    if (chosen && chosen.parentNode.disabled) village.value = "";
  }
  if (township) { township.addEventListener("change", syncVillages); syncVillages(); }
  // Fill longitude and latitude from the phone's position.
  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(function (p) {
        document.getElementById("lon").value = p.coords.longitude.toFixed(6);
        document.getElementById("lat").value = p.coords.latitude.toFixed(6);
        locate.disabled = false;
      }, function () { locate.disabled = false; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  } else if (locate) { locate.hidden = true; }
})();
