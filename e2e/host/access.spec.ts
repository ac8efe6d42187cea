import { expect, test } from '../fixtures';

test('a call without the right token is refused', async ({ page, host, request }) => {
  const api = `${host.origin}/api/app.info`;

  const none = await request.post(api, { data: {} });
  expect(none.status()).toBe(401);

  const wrong = await request.post(api, { data: {}, headers: { Authorization: 'Bearer not-the-token' } });
  expect(wrong.status()).toBe(401);

  const right = await request.post(api, { data: {}, headers: { Authorization: `Bearer ${host.token}` } });
  expect(right.status()).toBe(200);
  expect(await right.json()).toMatchObject({ name: 'Lightbox' });

  // The page without ?token= explains where the link comes from.
  await page.goto(`${host.origin}/`);
  await expect(page.getByText('This page needs the link printed by')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Areas' })).toHaveCount(0);
});

test('a page opened with a wrong token says the token was refused', async ({ page, host }) => {
  await page.goto(`${host.origin}/?token=not-the-token`);
  await expect(page.getByText("The host refused this link's access token.")).toBeVisible();
});

test('a malformed payload is answered with a validation error naming the field', async ({ host, request }) => {
  const response = await request.post(`${host.origin}/api/settings.update`, {
    headers: { Authorization: `Bearer ${host.token}` },
    data: { farm: { concurrency: 'lots' } },
  });
  expect(response.status()).toBe(400);
  expect(await response.json()).toMatchObject({ path: 'farm.concurrency' });
});
