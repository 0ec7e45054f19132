import { test, expect } from './support/fixtures';
import { DEMO_ADMIN, DEMO_PASSWORD, signIn, submitAndWait } from './support/accounts';
import type { Page } from '@playwright/test';

const AUTHOR = 'citizen-2@demo.piazza.invalid';
const COMMENT_AUTHOR = 'citizen@demo.piazza.invalid';
const REPORTER = 'verified@demo.piazza.invalid';
const FACILITATOR = 'facilitator-pinerolo@demo.piazza.invalid';
const FACILITATOR_RIVOLI = 'facilitator-rivoli@demo.piazza.invalid';
const STAFF = 'staff@demo.piazza.invalid';
const PINEROLO = '/processi/agenda-digitale-pinerolo';
const ALESSANDRIA = '/processi/piano-strategico-alessandria-2030';
const RIVOLI = '/processi/piano-strategico-rivoli-2035';

async function signOut(page: Page): Promise<void> {
  await submitAndWait(page, () => page.getByRole('button', { name: 'Esci', exact: true }).click(), /esito=uscita/);
}

/** Publishes a proposal in Pinerolo's "Servizi online" platform and returns its path. */
async function publish(page: Page, title: string): Promise<string> {
  await page.goto(`${PINEROLO}/proposte/nuova`);
  await page.locator('#proposta-piattaforma').selectOption('servizi-online');
  await page.locator('#proposta-titolo').fill(title);
  await page.locator('#proposta-testo').fill(`${title}: una proposta scritta per provare il lavoro dei facilitatori, con abbastanza testo.`);
  await submitAndWait(page, () => page.getByRole('button', { name: 'Pubblica la proposta' }).click(), /\/proposte\/[0-9a-f-]+\?esito=proposta-pubblicata/);
  return new URL(page.url()).pathname;
}

test.describe('facilitation', () => {
  test('a facilitator reads what the next phase opens and closes, then moves the process on', async ({ page, axe, settle }) => {
    await signIn(page, FACILITATOR_RIVOLI, DEMO_PASSWORD);
    await page.goto(RIVOLI);
    await settle();
    await page.locator('#fasi-avanza summary').click();
    const preview = page.locator('#anteprima');
    await expect(preview).toContainText('Che cosa cambia passando alla fase successiva');
    await expect(preview).toContainText('Si apre:');
    await expect(preview).toContainText('Persone che seguono proposte del percorso e riceveranno una notifica');
    const opening = (await preview.locator('li').nth(1).innerText()).match(/«(.+)»/)?.[1];
    expect(opening, 'the preview names the phase that opens').toBeTruthy();
    await axe('process page with the transition preview');
    await submitAndWait(page, () => page.locator('#avanza button[type=submit]').click(), /esito=fase-avanzata/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Fase aggiornata');
    await expect(page.locator('.timeline-status')).toContainText(opening!);
  });

  test('a facilitator answers two proposals at once and merges three into a project', async ({ page, axe, settle }, testInfo) => {
    const stamp = `${testInfo.project.name} ${Date.now()}`;
    const titles = [1, 2, 3].map((n) => `Servizio digitale numero ${n} da unire (${stamp})`);

    await signIn(page, AUTHOR, DEMO_PASSWORD);
    const paths: string[] = [];
    for (const title of titles) paths.push(await publish(page, title));
    // Someone supports? Not in the proposals phase; the author comments on the first.
    await signOut(page);

    await signIn(page, FACILITATOR, DEMO_PASSWORD);
    await page.goto(`${PINEROLO}/cruscotto?piattaforma=servizi-online`);
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Cruscotto');
    await expect(page.locator('#andamento')).toContainText('Andamento della fase');
    await axe('platform dashboard');

    // Two answers in one go.
    const answers = page.locator('#risposte-multiple');
    await answers.getByLabel(titles[0]).check();
    await answers.getByLabel(titles[1]).check();
    await page.locator('#risposte-multiple-stato').selectOption('accepted');
    await page.locator('#risposte-multiple-risposta').fill('Accolte: entreranno nel programma dei servizi online del prossimo anno.');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Rispondi alle proposte scelte' }).click(), /esito=risposte-pubblicate/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Risposte pubblicate');
    await page.goto(paths[0]);
    await settle();
    await expect(page.locator('#risposta')).toContainText('Accolte: entreranno nel programma');

    // A merge without a title is refused by field, then done.
    await page.goto(`${PINEROLO}/cruscotto?piattaforma=servizi-online`);
    await settle();
    const merge = page.locator('#unisci');
    for (const title of titles) await merge.getByLabel(title).check();
    await page.locator('#unisci-descrizione').fill('Un unico progetto per gli sportelli digitali, che raccoglie tre proposte affini dei cittadini.');
    await page.locator('#unisci-titolo').fill('Abc');
    await page.getByRole('button', { name: 'Crea il progetto' }).click();
    await expect(page.getByRole('alert')).toContainText('«Titolo» è troppo corto');
    await settle();
    await axe('merge form with an error');
    const merge2 = page.locator('#unisci');
    for (const title of titles) {
      const box = merge2.getByLabel(title);
      if (!(await box.isChecked())) await box.check();
    }
    await page.locator('#unisci-titolo').fill(`Sportelli digitali (${stamp})`);
    await page.locator('#unisci-descrizione').fill('Un unico progetto per gli sportelli digitali, che raccoglie tre proposte affini dei cittadini.');
    await page.locator('#unisci-partner').fill('Biblioteca civica\nAssociazione Anziani in rete');
    await page.locator('#unisci-accordo').selectOption('convenzione');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Crea il progetto' }).click(), /\/progetti\/[0-9a-f-]+\?esito=progetto-creato/);
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Sportelli digitali');
    await expect(page.locator('article.project')).toContainText('Biblioteca civica');
    await expect(page.locator('article.project')).toContainText('Convenzione');
    for (const title of titles) await expect(page.getByRole('link', { name: title })).toBeVisible();
    await axe('project page');

    // The originals link to it, and the merge is in the public log.
    await page.goto(paths[2]);
    await settle();
    await expect(page.locator('#progetto')).toContainText(`Sportelli digitali (${stamp})`);
    await page.goto(`${PINEROLO}/registro-moderazione`);
    await settle();
    await expect(page.locator('table')).toContainText(`Sportelli digitali (${stamp})`);
    await expect(page.locator('table')).toContainText('Proposte unite in un progetto');
    await axe('public moderation log');
  });

  test('a moderator handles a report: the comment is hidden with a public reason', async ({ page, axe, settle }, testInfo) => {
    const stamp = `${testInfo.project.name} ${Date.now()}`;
    await signIn(page, COMMENT_AUTHOR, DEMO_PASSWORD);
    const path = await publish(page, `Proposta da moderare (${stamp})`);
    await page.locator('#commento-nuovo-commento').fill(`Compra ora, offerta imperdibile ${stamp}`);
    await submitAndWait(page, () => page.getByRole('button', { name: 'Pubblica il commento' }).click(), /esito=commento-pubblicato/);
    await signOut(page);

    await signIn(page, REPORTER, DEMO_PASSWORD);
    await page.goto(path);
    await settle();
    const comment = page.locator('.comment').filter({ hasText: `offerta imperdibile ${stamp}` });
    await comment.locator('.report-form summary').click();
    await comment.getByLabel('Motivo').selectOption('spam');
    await submitAndWait(page, () => comment.getByRole('button', { name: 'Invia la segnalazione' }).click(), /esito=segnalazione-inviata/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Segnalazione inviata');
    await axe('proposal after a report');
    await signOut(page);

    await signIn(page, FACILITATOR, DEMO_PASSWORD);
    await page.goto(`${PINEROLO}/moderazione`);
    await settle();
    const item = page.locator('.queue-item').filter({ hasText: `offerta imperdibile ${stamp}` });
    await expect(item).toContainText('Spam o pubblicità');
    await expect(item).not.toContainText(REPORTER);
    await axe('moderation queue');
    await item.locator('.moderate-form summary').click();
    await item.getByLabel('Nascondi').check();
    await item.locator('.moderate-form').getByLabel('Motivo', { exact: true }).fill('Pubblicità commerciale, vietata dalle regole del percorso.');
    await submitAndWait(page, () => item.getByRole('button', { name: 'Registra la decisione' }).click(), /esito=decisione-registrata/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Decisione registrata');
    await expect(page.locator('.queue-item').filter({ hasText: `offerta imperdibile ${stamp}` })).toHaveCount(0);
    await signOut(page);

    // Everyone sees the placeholder and the reason, and the log says why.
    await page.goto(path);
    await settle();
    await expect(page.locator('#commenti')).toContainText('Commento non visibile.');
    await expect(page.locator('#commenti')).toContainText('Pubblicità commerciale, vietata');
    await expect(page.locator('#commenti')).not.toContainText(`offerta imperdibile ${stamp}`);
    await page.goto(`${PINEROLO}/registro-moderazione`);
    await settle();
    await expect(page.locator('table')).toContainText('Pubblicità commerciale, vietata dalle regole del percorso.');
  });

  test('staff record a person at the counter, then a proposal and a support on their behalf', async ({ page, axe, settle }, testInfo) => {
    const stamp = `${testInfo.project.name} ${Date.now()}`;
    // A proposal to support, in the process that is voting.
    await page.goto(`${ALESSANDRIA}/proposte`);
    const target = await page.locator('.proposal-card a, article a[href^="/proposte/"]').first().getAttribute('href');
    expect(target).toBeTruthy();

    await signIn(page, STAFF, DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Sportello' }).first().click();
    await page.waitForURL(/\/sportello/);
    await settle();
    await axe('counter');
    await page.locator('#sportello-nome').fill(`Maria ${stamp} Rossi`);
    await page.locator('#sportello-documento').selectOption('carta_identita');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Registra', exact: true }).click(), /\/sportello\/[0-9a-f-]+\?esito=registrata/);
    await settle();
    await expect(page.locator('#ricevuta .claim-code')).toHaveText(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await axe('counter record with the receipt');
    const record = new URL(page.url()).pathname;

    // A proposal in Pinerolo (proposals are open there).
    await page.locator('#proponi-processo').selectOption('agenda-digitale-pinerolo');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Scegli' }).click(), /processo=agenda-digitale-pinerolo/);
    await settle();
    await page.locator('#proponi-per-piattaforma').selectOption('inclusione-digitale');
    await page.locator('#proponi-per-titolo').fill(`Corsi di informatica per anziani in biblioteca (${stamp})`);
    await page.locator('#proponi-per-testo').fill('Due pomeriggi a settimana, con volontari, per imparare a usare SPID, la posta elettronica e le videochiamate.');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Registra la proposta' }).click(), /esito=proposta-registrata/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Proposta registrata');
    await expect(page.locator('main')).toContainText(`Corsi di informatica per anziani in biblioteca (${stamp})`);

    // A support in Alessandria, by the proposal's address.
    await page.locator('#sostieni-per-proposta').fill(`http://localhost${target}`);
    await submitAndWait(page, () => page.getByRole('button', { name: 'Registra il sostegno' }).click(), /esito=sostegno-registrato/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Sostegno registrato');
    await axe('counter record after acting');
    expect(record).toContain('/sportello/');

    // The proposal says it was recorded at the counter, under the public name.
    await page.getByRole('link', { name: `Corsi di informatica per anziani in biblioteca (${stamp})` }).click();
    await page.waitForURL(/\/proposte\//);
    await settle();
    await expect(page.locator('.assisted-note')).toContainText('Registrata allo sportello');
    await expect(page.locator('main')).toContainText('Maria R.');
  });

  test('an administrator creates a process and sets up a phase, a platform and its facilitator', async ({ page, axe, settle }, testInfo) => {
    const slug = `percorso-prova-${testInfo.project.name}-${Date.now()}`;
    await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    await page.goto('/amministrazione/percorsi/nuovo');
    await settle();
    await axe('new process');
    await page.locator('#nuovo-percorso-slug').fill('Con Spazi');
    await page.locator('#nuovo-percorso-titolo').fill('Bilancio partecipativo di prova');
    await page.locator('#nuovo-percorso-ente').fill('Comune di Prova');
    await page.locator('#nuovo-percorso-sintesi').fill('Un percorso creato dai test del browser.');
    await page.getByRole('button', { name: 'Crea il percorso' }).click();
    await expect(page.getByRole('alert')).toContainText('«Indirizzo breve»');
    await settle();
    await page.locator('#nuovo-percorso-slug').fill(slug);
    await page.locator('#nuovo-percorso-titolo').fill('Bilancio partecipativo di prova');
    await page.locator('#nuovo-percorso-ente').fill('Comune di Prova');
    await page.locator('#nuovo-percorso-sintesi').fill('Un percorso creato dai test del browser.');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Crea il percorso' }).click(), new RegExp(`/processi/${slug}/modifica`));
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Modifica il percorso');
    await axe('process editor');

    // A phase.
    const today = new Date();
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    await page.locator('details:has(#fase-nuova) > summary').click();
    await page.locator('#fase-nuova-tipo').selectOption('proposals');
    await page.locator('#fase-nuova-titolo').fill('Raccolta delle proposte');
    await page.locator('#fase-nuova-inizio').fill(iso(new Date(today.getTime() + 5 * 86400000)));
    await page.locator('#fase-nuova-fine').fill(iso(new Date(today.getTime() + 30 * 86400000)));
    await submitAndWait(page, () => page.locator('#fase-nuova button[type=submit]').click(), /esito=salvata/);
    await settle();
    await expect(page.locator('#fasi')).toContainText('Raccolta delle proposte');

    // A platform.
    await page.locator('details:has(#piattaforma-nuova) > summary').click();
    await page.locator('#piattaforma-nuova-chiave').fill('scuole');
    await page.locator('#piattaforma-nuova-titolo').fill('Scuole e giovani');
    await submitAndWait(page, () => page.locator('#piattaforma-nuova button[type=submit]').click(), /esito=salvata/);
    await settle();
    await expect(page.locator('#piattaforma')).toContainText('Scuole e giovani');

    // Its facilitator.
    await page.locator('#facilitatore-piattaforma').selectOption('scuole');
    await page.locator('#facilitatore-email').fill('council-milano@demo.piazza.invalid');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Assegna come facilitatore della piattaforma' }).click(), /esito=ruolo-assegnato/);
    await settle();
    await expect(page.locator('#facilitatori')).toContainText('Scuole e giovani');
    await axe('process editor after set-up');

    // The public page shows it.
    await page.goto(`/processi/${slug}`);
    await settle();
    await expect(page.locator('main')).toContainText('Raccolta delle proposte');
    await expect(page.locator('main')).toContainText('Scuole e giovani');
  });
});
