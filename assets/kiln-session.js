// Kiln's session in the browser: sends the session's CSRF token (from
// <meta name="kiln-csrf">) with every same-origin request that changes
// something (the server refuses such requests without it), and signs out.
(() => {
  const meta = document.querySelector('meta[name="kiln-csrf"]');
  const token = meta ? meta.content : '';
  const safe = ['GET', 'HEAD', 'OPTIONS'];
  const originalFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const request = input instanceof Request ? input : null;
    const method = ((init && init.method) || (request ? request.method : 'GET')).toUpperCase();
    const url = new URL(request ? request.url : String(input), location.href);
    if (token && url.origin === location.origin && !safe.includes(method)) {
      const headers = new Headers((init && init.headers) || (request ? request.headers : undefined));
      headers.set('x-csrf-token', token);
      init = Object.assign({}, init, { headers });
    }
    return originalFetch(input, init);
  };
  document.addEventListener('click', async (event) => {
    const button = event.target.closest ? event.target.closest('#logout') : null;
    if (!button) return;
    event.preventDefault();
    await window.fetch('/api/v1/logout', { method: 'POST' });
    location.href = '/login';
  });
})();
