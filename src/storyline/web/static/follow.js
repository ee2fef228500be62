// The Follow control of a story page: POST /api/follows/{id} with the server's write token.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.follow-button")) {
    button.addEventListener("click", async () => {
      let token = window.localStorage.getItem("storyline-token");
      if (!token) {
        token = window.prompt("Write token of this server (storyline serve --token)");
        if (!token) return;
      }
      const answer = await fetch("/api/follows/" + encodeURIComponent(button.dataset.thread), {
        method: "POST",
        headers: { Authorization: "Bearer " + token },
      });
      if (answer.ok) {
        window.localStorage.setItem("storyline-token", token);
        button.textContent = "Following";
        button.disabled = true;
      } else {
        window.localStorage.removeItem("storyline-token");
        button.textContent = "Follow (refused: " + answer.status + ")";
      }
    });
  }
});
