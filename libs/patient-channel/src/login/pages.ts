/**
 * The patient's channel's pages: plain HTML forms that work without JavaScript, in French,
 * with labelled fields, the right `autocomplete` hints and errors announced to screen readers.
 */
const STYLE = `body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1e1e1e}label{display:block;font-weight:600;margin-top:1rem}
input{display:block;width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:2px solid #3a3a3a;border-radius:4px}
input:focus,button:focus,a:focus{outline:3px solid #000091;outline-offset:2px}
button{margin-top:1.5rem;padding:.7rem 1.2rem;font-size:1rem;background:#000091;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#000091;border:2px solid #000091}
.error{border-left:4px solid #ce0500;background:#ffe9e9;padding:.6rem 1rem;margin:1rem 0}
.hint{color:#3a3a3a;font-size:.9rem}`;

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Mon dossier médical partagé</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

function errorBlock(error: string | undefined): string {
  return error
    ? `<div class="error" role="alert" id="erreur"><p>${escapeHtml(error)}</p></div>`
    : '';
}

const describedBy = (error: string | undefined) => (error ? ' aria-describedby="erreur"' : '');

export function loginPage(view: {
  readonly uid: string;
  readonly clientName: string;
  readonly username?: string;
  readonly error?: string;
}): string {
  return page(
    'Connexion à votre dossier',
    `<p>L’application <strong>${escapeHtml(view.clientName)}</strong> demande l’accès à votre dossier médical partagé.</p>
${errorBlock(view.error)}
<form method="post" action="/patient/interaction/${escapeHtml(view.uid)}/login">
<label for="username">Identifiant (votre INS ou votre adresse électronique)</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(view.username ?? '')}"${describedBy(view.error)}>
<label for="password">Mot de passe</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy(view.error)}>
<button type="submit">Continuer</button>
</form>
<p><a href="/patient/enrol">Première connexion : activer votre compte</a></p>
<form method="post" action="/patient/interaction/${escapeHtml(view.uid)}/abort"><button class="secondary" type="submit">Annuler</button></form>`,
  );
}

export function codePage(view: {
  readonly uid: string;
  readonly sentTo: string;
  readonly error?: string;
}): string {
  return page(
    'Code de connexion',
    `<p>Un code à 6 chiffres vient d’être envoyé à <strong>${escapeHtml(view.sentTo)}</strong>. Il est valable 5 minutes.</p>
${errorBlock(view.error)}
<form method="post" action="/patient/interaction/${escapeHtml(view.uid)}/otp">
<label for="otp">Code reçu</label>
<input id="otp" name="otp" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required${describedBy(view.error)}>
<p class="hint">6 chiffres, sans espace.</p>
<button type="submit">Se connecter</button>
</form>`,
  );
}

export function consentPage(view: {
  readonly uid: string;
  readonly clientName: string;
  readonly permissions: readonly string[];
}): string {
  const items = view.permissions.map((p) => `<li>${escapeHtml(p)}</li>`).join('');
  return page(
    'Autoriser l’application',
    `<p>L’application <strong>${escapeHtml(view.clientName)}</strong> demande à :</p><ul>${items}</ul>
<p>Vous pourrez retirer cet accès à tout moment en vous déconnectant de l’application.</p>
<form method="post" action="/patient/interaction/${escapeHtml(view.uid)}/consent"><button type="submit">Autoriser</button></form>
<form method="post" action="/patient/interaction/${escapeHtml(view.uid)}/abort"><button class="secondary" type="submit">Refuser</button></form>`,
  );
}

export function enrolPage(view: { readonly username?: string; readonly error?: string }): string {
  return page(
    'Activer votre compte',
    `<p>Saisissez le code d’activation reçu à l’ouverture de votre dossier, puis choisissez votre mot de passe.</p>
${errorBlock(view.error)}
<form method="post" action="/patient/enrol">
<label for="username">Identifiant (votre INS ou votre adresse électronique)</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(view.username ?? '')}"${describedBy(view.error)}>
<label for="activation_code">Code d’activation</label>
<input id="activation_code" name="activation_code" autocomplete="off" required${describedBy(view.error)}>
<label for="password">Mot de passe</label>
<input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="regle">
<p class="hint" id="regle">Au moins 12 caractères, mêlant au moins trois types : minuscules, majuscules, chiffres, symboles.</p>
<label for="password_confirm">Confirmez le mot de passe</label>
<input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required>
<button type="submit">Activer mon compte</button>
</form>`,
  );
}

export function enrolledPage(): string {
  return page(
    'Compte activé',
    '<p role="status">Votre compte est activé. Vous pouvez vous connecter depuis votre application.</p><p><a href="/portal/">Aller au portail patient</a></p>',
  );
}

export function errorPage(message: string): string {
  return page(
    'Une erreur est survenue',
    `<div class="error" role="alert"><p>${escapeHtml(message)}</p></div><p>Revenez à votre application pour recommencer.</p>`,
  );
}

/** `form` is the provider's own hidden form (with its anti-forgery token). */
export function logoutPage(form: string): string {
  return page(
    'Déconnexion',
    `${form}<p>Voulez-vous vous déconnecter de votre dossier médical partagé ?</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter</button>
<button class="secondary" type="submit" form="op.logoutForm">Rester connecté</button>`,
  );
}

export function loggedOutPage(): string {
  return page('Vous êtes déconnecté', '<p role="status">Vous êtes déconnecté.</p>');
}
