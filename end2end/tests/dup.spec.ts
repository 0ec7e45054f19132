import { test, expect } from './support/fixtures';
import { DEMO_ADMIN, DEMO_PASSWORD, signIn, submitAndWait } from './support/accounts';
import type { Page } from '@playwright/test';

const AUTHOR = 'verified-pinerolo@demo.piazza.invalid';
const FACILITATOR = 'facilitator-pinerolo@demo.piazza.invalid';
const COUNCIL = 'council-milano@demo.piazza.invalid';
const STAFF = 'staff-milano@demo.piazza.invalid';
const PINEROLO = '/processi/agenda-digitale-pinerolo';
const MILANO = '/processi/piano-strategico-metropolitano-milano';

const HEADER = 'tipo,codice,missione,programma,padre,titolo,descrizione,responsabile,anno,importo,unita,valore_base,valore_atteso,valore_rilevato';
const GOOD_LINES = [
  'programma,02,10,,,Trasporto pubblico locale,,,,,,,,',
  'obiettivo_strategico,SeS-10.1,10,,,Una città che si muove meglio,Meno auto e più autobus,,,,,,,',
  'obiettivo_operativo,SeO-10.02.1,10,02,SeS-10.1,Nuove linee di autobus nei quartieri,Linee serali e di quartiere,Settore mobilità,,,,,,',
  'risorse,,,,SeO-10.02.1,,,,2027,"250.000,00",,,,',
  'indicatore,IND-1,,,SeO-10.02.1,Passeggeri annui,,,,,migliaia,1200,,',
  'valore,,,,IND-1,,,,2027,,,,1300,',
];

async function signOut(page: Page): Promise<void> {
  await submitAndWait(page, () => page.getByRole('button', { name: 'Esci', exact: true }).click(), /esito=uscita/);
}

/** Publishes a proposal in Pinerolo's "Servizi online" platform and returns its path. */
async function publish(page: Page, title: string): Promise<string> {
  await page.goto(`${PINEROLO}/proposte/nuova`);
  await page.locator('#proposta-piattaforma').selectOption('servizi-online');
  await page.locator('#proposta-titolo').fill(title);
  await page.locator('#proposta-testo').fill(`${title}: sportello online per le pratiche comunali con SPID e pagamenti pagoPA, accessibile a tutti.`);
  await submitAndWait(page, () => page.getByRole('button', { name: 'Pubblica la proposta' }).click(), /\/proposte\/[0-9a-f-]+\?esito=proposta-pubblicata/);
  return new URL(page.url()).pathname;
}

test.describe('DUP', () => {
  test('an administrator creates an edition, sees a bad file refused line by line, then imports it', async ({ page, axe, settle }, testInfo) => {
    const stamp = `${testInfo.project.name} ${Date.now()}`;
    await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    await page.goto('/dup');
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('DUP');
    await expect(page.locator('main')).toContainText('Città metropolitana di Milano – DUP 2016–2018');
    await axe('DUP editions');

    await page.locator('#nuova-edizione-ente').fill('Comune di Prova');
    await page.locator('#nuova-edizione-titolo').fill(`DUP 2027–2029 (${stamp})`);
    await page.locator('#nuova-edizione-primo_anno').fill('2027');
    await page.locator('#nuova-edizione-ultimo_anno').fill('2029');
    await submitAndWait(page, () => page.getByRole('button', { name: "Crea l'edizione" }).click(), /\/dup\/[0-9a-f-]+\?esito=edizione-creata/);
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(`DUP 2027–2029 (${stamp})`);
    await expect(page.locator('main')).toContainText("L'edizione è vuota");

    // A technical mission and a bad amount: refused, every problem named by line, nothing written.
    const bad = [HEADER, ...GOOD_LINES, 'programma,01,20,,,Fondo di riserva,,,,,,,,', 'risorse,,,,SeO-10.02.1,,,,2028,tanti,,,,'].join('\n');
    await page.locator('#importa-testo').fill(bad);
    await submitAndWait(page, () => page.getByRole('button', { name: 'Importa', exact: true }).click(), /importazione=1/);
    await settle();
    const problems = page.locator('#problemi-importazione');
    await expect(problems).toContainText('Importazione rifiutata: 2 problemi');
    await expect(problems.locator('tr').filter({ hasText: 'riga 8' })).toContainText('Missione «20» sconosciuta o tecnica');
    await expect(problems.locator('tr').filter({ hasText: 'riga 9' })).toContainText('Importo «tanti» non è un numero');
    await expect(page.locator('#importa-testo')).toHaveValue(bad);
    await expect(page.locator('main')).toContainText("L'edizione è vuota");
    await axe('edition with a refused import');

    // The corrected file, uploaded.
    await page.locator('#importa-testo').fill('');
    await page.locator('#importa-file').setInputFiles({
      name: 'dup.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from([HEADER, ...GOOD_LINES].join('\n'), 'utf-8'),
    });
    await submitAndWait(page, () => page.getByRole('button', { name: 'Importa', exact: true }).click(), /importazione=1/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Importazione riuscita: 4 nuovi');
    await expect(page.locator('section.mission')).toContainText('SeO-10.02.1 · Nuove linee di autobus nei quartieri');
    await axe('edition after the import');

    await page.getByRole('link', { name: /SeO-10\.02\.1/ }).click();
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('SeO-10.02.1');
    await expect(page.locator('main')).toContainText('€ 250.000');
    await expect(page.locator('table.indicators')).toContainText('1.300');
    await axe('objective page');
  });

  test('a facilitator links a project to two objectives, and its author sees them on the proposal', async ({ page, axe, settle }, testInfo) => {
    const stamp = `${testInfo.project.name} ${Date.now()}`;
    const titles = [1, 2].map((n) => `Sportello online numero ${n} (${stamp})`);
    await signIn(page, AUTHOR, DEMO_PASSWORD);
    const paths: string[] = [];
    for (const title of titles) paths.push(await publish(page, title));
    await signOut(page);

    await signIn(page, FACILITATOR, DEMO_PASSWORD);
    await page.goto(`${PINEROLO}/cruscotto?piattaforma=servizi-online`);
    await settle();
    const merge = page.locator('#unisci');
    for (const title of titles) await merge.getByLabel(title).check();
    await page.locator('#unisci-titolo').fill(`Sportello digitale unico (${stamp})`);
    await page.locator('#unisci-descrizione').fill('Un solo sportello online per le pratiche comunali, con SPID, CIE e pagoPA, e punti di facilitazione digitale.');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Crea il progetto' }).click(), /\/progetti\/[0-9a-f-]+\?esito=progetto-creato/);
    await settle();
    const project = new URL(page.url()).pathname;

    const section = page.locator('#obiettivi-dup');
    await expect(section).toContainText('Non è ancora collegata');
    const form = page.locator('#collega-obiettivo');
    if (!(await form.evaluate((d) => (d as HTMLDetailsElement).open))) await form.locator('summary').click();
    await expect(form).toContainText('Obiettivi suggeriti per somiglianza dei testi');
    // The closest objective is suggested first and chosen by default.
    await expect(page.locator('#collegamento-obiettivo')).toHaveValue(/[0-9a-f-]{36}/);
    await expect(page.locator('#collegamento-obiettivo optgroup[label="Suggeriti"] option').first()).toContainText('SeO-01.08.1');
    await axe('project with the link form');

    // Without a rationale the link is refused by field.
    await page.locator('#collegamento-obiettivo').selectOption({ label: 'SeO-01.08.1 · Sportello online unico' });
    await page.locator('#collegamento-motivazione').fill(' ');
    await page.locator('#collegamento-motivazione').evaluate((t) => t.removeAttribute('required'));
    await page.getByRole('button', { name: 'Collega', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('Motivazione');
    await settle();

    await page.goto(project);
    await settle();
    const form2 = page.locator('#collega-obiettivo');
    if (!(await form2.evaluate((d) => (d as HTMLDetailsElement).open))) await form2.locator('summary').click();
    await page.locator('#collegamento-obiettivo').selectOption({ label: 'SeO-01.08.1 · Sportello online unico' });
    await page.locator('#collegamento-motivazione').fill('Il progetto porta online le pratiche più richieste.');
    await page.locator('#collegamento-peso').selectOption('5');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Collega', exact: true }).click(), /esito=obiettivo-collegato/);
    await settle();
    const form3 = page.locator('#collega-obiettivo');
    if (!(await form3.evaluate((d) => (d as HTMLDetailsElement).open))) await form3.locator('summary').click();
    await page.locator('#collegamento-obiettivo').selectOption({ label: 'SeO-04.02.1 · Facilitazione digitale nelle scuole e nei quartieri' });
    await page.locator('#collegamento-motivazione').fill('Include i punti di facilitazione per chi non usa il web.');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Collega', exact: true }).click(), /esito=obiettivo-collegato/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Collegamento salvato');
    const links = page.locator('#obiettivi-dup ul.links > li');
    await expect(links).toHaveCount(2);
    await expect(links.nth(0)).toContainText('SeO-01.08.1');
    await expect(links.nth(0)).toContainText('peso 5');
    await expect(links.nth(1)).toContainText('SeO-04.02.1');
    await axe('project linked to two objectives');
    await signOut(page);

    // The author sees, on their proposal, the objectives it feeds through the project.
    await signIn(page, AUTHOR, DEMO_PASSWORD);
    await page.goto(paths[0]);
    await settle();
    const fed = page.locator('#obiettivi-dup');
    await expect(fed).toContainText('SeO-01.08.1 · Sportello online unico');
    await expect(fed).toContainText('SeO-04.02.1');
    await expect(fed).toContainText('tramite il progetto');
    await expect(fed.locator('#collega-obiettivo')).toHaveCount(0);
    await axe('proposal feeding two objectives');

    // And the objective lists the project.
    await fed.getByRole('link', { name: /SeO-01\.08\.1/ }).click();
    await settle();
    await expect(page.locator('main')).toContainText(`Sportello digitale unico (${stamp})`);
  });

  test('the council reads the coverage of the plan, filtered by zone', async ({ page, axe, settle }) => {
    await signIn(page, COUNCIL, DEMO_PASSWORD);
    await page.goto(MILANO);
    await settle();
    await page.getByRole('link', { name: 'Copertura del DUP' }).click();
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Copertura del DUP');
    const chart = page.locator('figure.coverage-chart svg[role=img]');
    await expect(chart).toHaveCount(1);
    await expect(chart.locator('title')).toContainText('obiettivi su 19');
    await expect(page.locator('table.coverage')).toContainText('SeO-10.02.1');
    await expect(page.locator('main')).toContainText('Obiettivi senza contributi dei cittadini');
    await expect(page.locator('main')).toContainText('Proposte accolte e progetti senza obiettivo');
    await axe('coverage view');
    const total = await page.locator('table.coverage tbody tr.mission-row td').allInnerTexts();

    await page.locator('#copertura-zona').selectOption('milano');
    await submitAndWait(page, () => page.getByRole('button', { name: 'Applica' }).click(), /zona=milano/);
    await settle();
    await expect(page.locator('#copertura-zona')).toHaveValue('milano');
    const filtered = await page.locator('table.coverage tbody tr.mission-row td').allInnerTexts();
    const sum = (values: string[]) => values.reduce((n, v) => n + Number(v.replace(/\D/g, '') || 0), 0);
    expect(sum(filtered)).toBeLessThan(sum(total));
    await axe('coverage view filtered by zone');
  });

  test('staff record progress on an objective, with an indicator value', async ({ page, axe, settle }, testInfo) => {
    const note = `Gara aggiudicata, lavori avviati (${testInfo.project.name} ${Date.now()}).`;
    await signIn(page, STAFF, DEMO_PASSWORD);
    await page.goto(`${MILANO}/monitoraggio`);
    await settle();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Monitoraggio');
    await axe('progress page');
    const item = page.locator('section.monitored-item').filter({ hasText: 'SeO-04.02.1' });
    await item.locator('details summary').click();
    await item.getByLabel('Stato').selectOption('in_corso');
    await item.getByLabel('Percentuale di completamento').fill('40');
    await item.getByLabel('Nota').fill(note);
    await item.getByLabel(/Scuole superiori con certificato di prevenzione incendi.*2017/).fill('71');
    await axe('progress form');
    await submitAndWait(page, () => item.getByRole('button', { name: 'Registra', exact: true }).click(), /esito=avanzamento-registrato/);
    await settle();
    await expect(page.getByRole('status')).toContainText('Avanzamento registrato');
    const updated = page.locator('section.monitored-item').filter({ hasText: 'SeO-04.02.1' });
    await expect(updated).toContainText('In corso');
    await expect(updated).toContainText('40%');
    await expect(updated.locator('table.indicators tr').filter({ hasText: '2017' })).toContainText('71');
    await expect(updated.locator('table.indicators tr').filter({ hasText: '2017' })).toContainText('-4');
    await expect(page.locator('ol.progress-timeline')).toContainText(note);
    await axe('progress page after a record');

    // Everyone reads it on the objective's page.
    await signOut(page);
    await page.goto(`${MILANO}/monitoraggio`);
    await settle();
    await page.locator('section.monitored-item').filter({ hasText: 'SeO-04.02.1' }).getByRole('link', { name: /SeO-04\.02\.1/ }).click();
    await settle();
    await expect(page.locator('main')).toContainText(note);
    await expect(page.locator('main')).toContainText('In corso');
  });
});
