// mixtape's little JavaScript: tabs, sliders, lazy Spotify players and the mood map.
// Everything else is htmx. No inline scripts (the pages send a Content-Security-Policy).
"use strict";

(function () {
  // -- tabs: a tab button sets the form's model, then the form submits through htmx --
  // -- the header's search: its dropdown closes on a click elsewhere or on Escape --
  function closeQuick() {
    const box = document.getElementById("quick-results");
    if (box) box.innerHTML = "";
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeQuick();
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".quick")) closeQuick();
    const tab = event.target.closest("button[data-model]");
    if (tab && tab.form) {
      tab.form.elements.model.value = tab.dataset.model;
      for (const other of tab.parentElement.querySelectorAll("button[data-model]")) {
        other.setAttribute("aria-selected", String(other === tab));
      }
    }
    // -- players: the Spotify embed is loaded only when asked for --
    const play = event.target.closest("button[data-embed]");
    if (play) {
      const frame = document.createElement("iframe");
      frame.src = "https://open.spotify.com/embed/track/" + encodeURIComponent(play.dataset.embed);
      frame.title = play.dataset.title || "Spotify player";
      frame.allow = "encrypted-media";
      frame.loading = "lazy";
      play.replaceWith(frame);
    }
  });

  // -- sliders: "off / target / min / max" decides the range input's name --
  function syncSlider(select) {
    const row = select.closest(".slider");
    const range = row.querySelector("input[type=range]");
    const mode = select.value;
    range.disabled = mode === "off";
    range.name = mode === "off" ? "" : mode + "_" + select.dataset.attr;
    row.querySelector("output").textContent = mode === "off" ? "–" : range.value;
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches(".slider select")) syncSlider(event.target);
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches(".slider input[type=range]")) {
      event.target.closest(".slider").querySelector("output").textContent = event.target.value;
    }
  });

  // -- the mood map: density + sample from the server, drawn on a canvas --
  const maps = new Map(); // data URL -> Promise of the JSON
  function mapData(url) {
    if (!maps.has(url)) maps.set(url, fetch(url).then((r) => r.json()));
    return maps.get(url);
  }
  function parseJSON(text) {
    try { return text ? JSON.parse(text) : []; } catch (e) { return []; }
  }

  function draw(canvas, data) {
    const ratio = window.devicePixelRatio || 1;
    const size = canvas.clientWidth;
    canvas.width = size * ratio;
    canvas.height = size * ratio;
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    const pad = 28;
    const inner = size - 2 * pad;
    const x = (v) => pad + v * inner;
    const y = (e) => pad + (1 - e) * inner;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, size, size);

    // density: one cell per grid square, darker where more tracks are (log scale)
    const grid = data.counts || [];
    const rows = grid.length;
    const cols = rows ? grid[0].length : 0;
    let top = 1;
    for (const row of grid) for (const c of row) top = Math.max(top, c);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const c = grid[i][j];
        if (!c) continue;
        const a = 0.08 + 0.6 * (Math.log1p(c) / Math.log1p(top));
        ctx.fillStyle = "rgba(194, 37, 92, " + a.toFixed(3) + ")";
        // grid[i][j]: energy bin i (low to high), valence bin j
        ctx.fillRect(x(j / cols), y((i + 1) / rows), inner / cols + 0.5, inner / rows + 0.5);
      }
    }
    // sample: individual tracks as small dots
    ctx.fillStyle = "rgba(29, 31, 36, 0.35)";
    for (const p of data.sample || []) {
      ctx.fillRect(x(p[1]) - 1, y(p[2]) - 1, 2, 2); // [track key, valence, energy]
    }
    // quadrants and their names
    ctx.strokeStyle = "#8a919c";
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(x(0.5), y(0)); ctx.lineTo(x(0.5), y(1));
    ctx.moveTo(x(0), y(0.5)); ctx.lineTo(x(1), y(0.5));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = "#cfd3d9";
    ctx.strokeRect(pad, pad, inner, inner);
    ctx.font = "600 15px system-ui, sans-serif";
    ctx.fillStyle = "#1d1f24";
    ctx.textAlign = "center";
    ctx.fillText("happy", x(0.75), y(0.95));
    ctx.fillText("angry", x(0.25), y(0.95));
    ctx.fillText("sad", x(0.25), y(0.05));
    ctx.fillText("calm", x(0.75), y(0.05));
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = "#5d6470";
    ctx.fillText("valence →", x(0.5), size - 8);
    ctx.save();
    ctx.translate(12, y(0.5));
    ctx.rotate(-Math.PI / 2);
    ctx.fillText("energy →", 0, 0);
    ctx.restore();

    // a path: a line through its steps
    const path = parseJSON(canvas.dataset.path);
    if (path.length) {
      ctx.strokeStyle = "#1d1f24";
      ctx.lineWidth = 2;
      ctx.beginPath();
      path.forEach((p, i) => (i ? ctx.lineTo(x(p.v), y(p.e)) : ctx.moveTo(x(p.v), y(p.e))));
      ctx.stroke();
      ctx.lineWidth = 1;
    }
    // highlighted tracks: the track itself larger, its neighbours smaller
    for (const p of parseJSON(canvas.dataset.highlight).concat(path)) {
      ctx.beginPath();
      ctx.arc(x(p.v), y(p.e), p.kind === "seed" ? 7 : 4.5, 0, 2 * Math.PI);
      ctx.fillStyle = p.kind === "seed" ? "#c2255c" : "#ffffff";
      ctx.strokeStyle = "#1d1f24";
      ctx.fill();
      ctx.stroke();
    }
    const clicked = canvas.clicked;
    if (clicked) {
      ctx.strokeStyle = "#c2255c";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(x(clicked[0]), y(clicked[1]), 10, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.lineWidth = 1;
    }
    if (!canvas.dataset.drawn) performance.mark("moodmap-drawn"); // first draw (timed by benchmarks)
    canvas.dataset.drawn = "true";
    canvas.point = function (event) {
      const box = canvas.getBoundingClientRect();
      const scale = size / box.width;
      const v = ((event.clientX - box.left) * scale - pad) / inner;
      const e = 1 - ((event.clientY - box.top) * scale - pad) / inner;
      return [Math.min(1, Math.max(0, v)), Math.min(1, Math.max(0, e))];
    };
  }

  function initMap(canvas) {
    if (canvas.dataset.ready) return;
    canvas.dataset.ready = "true";
    mapData(canvas.dataset.src).then(function (data) {
      draw(canvas, data);
      window.addEventListener("resize", () => draw(canvas, data));
      if (canvas.dataset.near) {
        canvas.addEventListener("click", function (event) {
          const [v, e] = canvas.point(event);
          canvas.clicked = [v, e];
          draw(canvas, data);
          const url = canvas.dataset.near + "?valence=" + v.toFixed(3) + "&energy=" + e.toFixed(3);
          htmx.ajax("GET", url, { target: canvas.dataset.target, swap: "innerHTML" });
        });
      }
    });
  }

  htmx.onLoad(function (root) {
    for (const canvas of root.querySelectorAll("canvas.moodmap")) initMap(canvas);
    for (const select of root.querySelectorAll(".slider select")) syncSlider(select);
  });
})();
