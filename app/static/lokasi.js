// "Gunakan lokasi saya": fills lat/lon of the facility search form and sends it (ES5 for KaiOS).
(function () {
  var spot = document.getElementById("lokasi");
  if (!spot || !navigator.geolocation) return;
  var form = spot.parentNode, button = document.createElement("button");
  button.type = "button";
  button.textContent = spot.getAttribute("data-label");
  button.onclick = function () {
    button.disabled = true;
    button.textContent = spot.getAttribute("data-wait");
    navigator.geolocation.getCurrentPosition(function (p) {
      form.elements.lat.value = p.coords.latitude.toFixed(5);
      form.elements.lon.value = p.coords.longitude.toFixed(5);
      form.submit();
    }, function () {
      button.disabled = false;
      button.textContent = spot.getAttribute("data-fail");
    }, {timeout: 20000, maximumAge: 600000});
  };
  spot.appendChild(button);
})();
