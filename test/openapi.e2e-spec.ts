import { fetch as undiciFetch } from 'undici';
import { TestGateway, startTestGateway } from './support/test-gateway';

/** The non-FHIR HTTP APIs described as OpenAPI, readable by any TLS client. */
describe('OpenAPI', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(() => gateway.close());

  it('describes health, metrics, the XDS.b endpoints and the patient login forms, not the FHIR door', async () => {
    const response = await undiciFetch(`${gateway.baseUrl}/openapi.json`, {
      dispatcher: gateway.agent(),
    });
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: object } }>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/metrics',
        '/xds/registry',
        '/xds/repository',
        '/patient/enrol',
        '/patient/interaction/{uid}/login',
        '/patient/interaction/{uid}/otp',
      ]),
    );
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/fhir'))).toEqual([]);
    expect(Object.keys(document.paths['/patient/enrol'])).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/patient/enrol'].post.requestBody!.content)).toEqual([
      'application/x-www-form-urlencoded',
    ]);
  });

  it('serves a documentation page with its own assets, no CDN', async () => {
    const page = await undiciFetch(`${gateway.baseUrl}/docs`, { dispatcher: gateway.agent() });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[^"']+\.(js|css)/);
  });
});
