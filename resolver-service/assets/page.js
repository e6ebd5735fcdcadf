// The avatar login page's script: starts a login transaction for what the page's data-*
// attributes ask, shows its openid4vp:// link and QR code, follows the transaction by polling
// GET login/requests/{id} once a second, and shows the result or the reason for a refusal.
// It is served from the page's origin (CSP script-src 'self'); every piece of data goes into
// the page through textContent, never as markup: the claims are the holder's data.
"use strict";

(function () {
  const POLL_MS = 1000;
  // Consecutive failed polls (network down, server restarting) before the page gives up.
  const MAX_POLL_FAILURES = 30;
  const FACTOR_NAMES = { holder_key: "holder key", passkey: "passkey" };
  const CLAIM_NAMES = { age_over_18: "over 18" };

  const root = document.getElementById("login");
  const byId = (id) => document.getElementById(id);

  function show(state, message) {
    root.dataset.state = state;
    byId("state").textContent = state;
    byId("message").textContent = message;
  }

  function text(value) {
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  function append(parent, tag, content) {
    const element = document.createElement(tag);
    element.textContent = content;
    parent.appendChild(element);
    return element;
  }

  function setText(id, value) {
    byId(id).textContent = value === undefined || value === null ? "" : text(value);
  }

  // The asked claims, read back from the page: the same list this script asked for.
  function askedClaims() {
    const claims = root.dataset.claims;
    return claims ? claims.split(",") : [];
  }

  function showGranted(result) {
    const avatar = result.avatar || {};
    setText("avatar-handle", avatar.handle);
    setText("avatar-platform", avatar.platform);
    setText("avatar-did", avatar.id);
    if (typeof result.holder === "string") {
      setText("holder", result.holder);
      for (const element of document.querySelectorAll(".holder")) {
        element.hidden = false;
      }
    }
    const claims = byId("claims");
    claims.replaceChildren();
    const disclosed = result.claims || {};
    for (const name of askedClaims()) {
      if (name === "sub" || !(name in disclosed)) {
        continue;
      }
      append(claims, "dt", CLAIM_NAMES[name] ? `${name} (${CLAIM_NAMES[name]})` : name);
      append(claims, "dd", text(disclosed[name]));
    }
    const factors = byId("factors");
    factors.replaceChildren();
    for (const factor of result.factors || []) {
      append(factors, "li", FACTOR_NAMES[factor] || text(factor)).dataset.factor = text(factor);
    }
    byId("request").hidden = true;
    byId("result").hidden = false;
    showTrust(result);
    show("logged_in", `Welcome, ${avatar.handle || "avatar"}.`);
  }

  function showRefused(result) {
    const errors = (result && result.report && result.report.errors) || [];
    const first = refusalReason(result);
    setText("refusal-code", first.code);
    setText("refusal-message", first.message);
    const list = byId("errors");
    list.replaceChildren();
    for (const error of errors.slice(1)) {
      append(list, "li", `${text(error.code)}: ${text(error.message)}`);
    }
    byId("request").hidden = true;
    byId("refusal").hidden = false;
    showTrust(result);
    show("refused", "The world refused this login.");
  }

  // The trust evaluation of the credential's issuer (ITU-T XSTR.trust-metaverse 8.6): the
  // level, the index and the two weakest indicators, as the service measured them.
  function showTrust(result) {
    const trust = result && result.report && result.report.trust;
    if (!trust || typeof trust !== "object") {
      return;
    }
    setText("trust-level", trust.level);
    setText("trust-index", `(index ${Number(trust.index).toFixed(2)})`);
    const weakest = byId("trust-weakest");
    weakest.replaceChildren();
    const scored = Object.entries(trust.indicators || {})
      .map(([name, indicator]) => [name, Number(indicator && indicator.score)])
      .sort((a, b) => a[1] - b[1])
      .slice(0, 2);
    for (const [name, score] of scored) {
      append(weakest, "li", `${name} ${score.toFixed(2)}`).dataset.indicator = name;
    }
    byId("trust").hidden = false;
  }

  // Why a login was refused: its first error, or the trust policy's decision when every
  // check passed but the issuer's trust fell short.
  function refusalReason(result) {
    const errors = (result && result.report && result.report.errors) || [];
    if (errors.length > 0) {
      return errors[0];
    }
    const decision = result && result.trust_decision;
    if (decision && decision.decision && decision.decision !== "accepted") {
      return { code: `trust_${text(decision.decision)}`, message: decision.reason };
    }
    return { code: "refused", message: "the login was refused" };
  }

  function showExpired() {
    byId("request").hidden = true;
    show("expired", "This login expired: reload the page to start another.");
  }

  // One look at the transaction; true once its outcome is final.
  async function follow(id) {
    const response = await fetch(`login/requests/${encodeURIComponent(id)}`, {
      cache: "no-store",
      headers: { accept: "application/json" },
    });
    if (response.status === 404) {
      showExpired();
      return true;
    }
    if (!response.ok) {
      throw new Error(`the world answered ${response.status}`);
    }
    const body = await response.json();
    switch (body.status) {
      case "granted":
        showGranted(body.result || {});
        return true;
      case "refused":
        showRefused(body.result);
        return true;
      case "awaiting_passkey":
        show("awaiting_passkey", "Your wallet answered; now confirm with your passkey.");
        return false;
      default:
        if (body.expires_in === 0) {
          showExpired();
          return true;
        }
        show("waiting", "Waiting for your wallet…");
        return false;
    }
  }

  function poll(id, failures) {
    follow(id).then(
      (done) => {
        if (!done) {
          setTimeout(() => poll(id, 0), POLL_MS);
        }
      },
      (error) => {
        if (failures + 1 >= MAX_POLL_FAILURES) {
          show("error", `The login cannot be followed: ${error.message}.`);
        } else {
          setTimeout(() => poll(id, failures + 1), POLL_MS);
        }
      },
    );
  }

  async function start() {
    const response = await fetch("login/requests", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        platform: root.dataset.platform,
        claims: askedClaims(),
        passkey: root.dataset.passkey === "true",
      }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.status !== 201) {
      throw new Error(body.error_description || `the world answered ${response.status}`);
    }
    if (typeof body.openid4vp_url !== "string" || !body.openid4vp_url.startsWith("openid4vp:")) {
      throw new Error("the world answered no openid4vp:// link");
    }
    const link = byId("wallet-link");
    link.href = body.openid4vp_url;
    link.title = body.openid4vp_url;
    byId("qr").src = `login/requests/${encodeURIComponent(body.id)}/qr.svg`;
    byId("request").hidden = false;
    show("waiting", "Waiting for your wallet…");
    poll(body.id, 0);
  }

  start().catch((error) => show("error", `The login cannot start: ${error.message}.`));
})();
