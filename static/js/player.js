// Recording evidence: a timestamp link (<a data-seek="130">02:10</a>, made by the
// `timestamps` template filter) seeks the page's audio player to that moment and plays it.
// Without this script the links lead to the evidence section and the players still work.
(function () {
  "use strict";

  var lastPlayed = null;

  // The player the user last started is the one they are listening to.
  document.addEventListener("play", function (event) {
    if (event.target && event.target.tagName === "AUDIO") { lastPlayed = event.target; }
  }, true);

  function player() {
    if (lastPlayed && document.contains(lastPlayed)) { return lastPlayed; }
    return document.querySelector("audio[data-current]") || document.querySelector("audio");
  }

  function seek(audio, seconds) {
    if (isFinite(audio.duration) && audio.duration > 0) {
      seconds = Math.min(seconds, audio.duration);
    }
    audio.currentTime = seconds;
    var playing = audio.play();
    if (playing && playing.catch) { playing.catch(function () { /* refused: stay paused */ }); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-seek]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    var audio = player();
    var seconds = parseInt(link.getAttribute("data-seek"), 10);
    if (!audio || isNaN(seconds)) { return; }
    event.preventDefault();
    // Before its metadata has loaded, the element keeps the position and starts there;
    // play() must be called now, within the click, or the browser may refuse it.
    seek(audio, seconds);
    audio.scrollIntoView({ block: "nearest" });
  });
})();
