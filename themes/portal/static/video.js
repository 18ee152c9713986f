// The video shortcode's player, loaded only on a click: until then the page has asked
// nothing of YouTube or Vimeo. Without JavaScript the link opens the video on its site.
for (const figure of document.querySelectorAll("figure.video[data-embed]")) {
  const link = figure.querySelector(".video__link");
  if (!link) continue;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const frame = document.createElement("iframe");
    frame.src = figure.dataset.embed;
    frame.title = link.textContent.trim();
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    frame.className = "video__frame";
    link.replaceWith(frame);
  }, { once: true });
}
