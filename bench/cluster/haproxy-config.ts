export interface ProxyFiles {
  /** The server certificate and key in one PEM, what clients see. */
  readonly frontendPem: string;
  /** The CA bundle the clients' certificates must chain to (the gateways' TRUSTED_CA). */
  readonly clientCa: string;
  /** The proxy's own client certificate and key in one PEM, presented to the gateways. */
  readonly proxyPem: string;
}

export interface ProxyBackend {
  readonly name: string;
  readonly port: number;
}

/**
 * HAProxy terminating mutual TLS: `verify required` against the gateways' trust anchors, the
 * client's certificate forwarded in X-SSL-Client-Cert (DER, base64; any header of that name
 * the client sent is dropped first), and the gateways reached over mutual TLS with the proxy's
 * own certificate — the one their TRUSTED_PROXY_CERT names. A node whose GET /health fails
 * twice is taken out; a connection refused is redispatched to another node.
 */
export function haproxyConfig(
  listenPort: number,
  files: ProxyFiles,
  backends: readonly ProxyBackend[],
): string {
  const servers = backends.map((backend) => `  server ${backend.name} 127.0.0.1:${backend.port}`);
  return [
    'global',
    '  maxconn 2000',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  retries 3',
    '  option redispatch',
    '',
    'frontend passerelle',
    `  bind 127.0.0.1:${listenPort} ssl crt ${files.frontendPem} ca-file ${files.clientCa} verify required`,
    '  http-request del-header X-SSL-Client-Cert',
    '  http-request set-header X-SSL-Client-Cert %[ssl_c_der,base64]',
    '  default_backend gateways',
    '',
    'backend gateways',
    '  balance roundrobin',
    '  option httpchk GET /health',
    '  http-check expect status 200',
    `  default-server ssl verify required ca-file ${files.clientCa} verifyhost localhost crt ${files.proxyPem} check inter 500 fall 2 rise 2`,
    '  http-response set-header X-Served-By %s',
    ...servers,
    '',
  ].join('\n');
}
