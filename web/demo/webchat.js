/* rasa-webchat on the demo page, embedded as its README's script tag does, with its default
 * start (no initPayload: it opens with an empty message, which the channel takes as the
 * welcome) and its session kept in the tab's session storage, so that it sends back the
 * session id the server confirmed (channels/socketio.py). The Rasa server's URL comes from
 * /widget/config.json, as our widget's does, and so does its title.
 * README: "Supported chat clients".
 */
(function () {
  "use strict";

  fetch("/widget/config.json")
    .then(function (reply) {
      return reply.json();
    })
    .then(function (config) {
      window.WebChat.default({
        socketUrl: config.server,
        socketPath: config.path + "/",
        title: config.strings.title,
        params: { storage: "session" }
      }, null);
    });
})();
