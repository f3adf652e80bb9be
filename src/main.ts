import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { ConfigError, parseConfig } from './config/parse-config';
import { readEnvironment } from './config/read-environment';
import { createApp } from './create-app';
import { SuperadminBootstrapService } from './organizations/superadmin-bootstrap.service';
import { SWAGGER_PATH } from './swagger';

function loadConfigOrExit(): AppConfig {
  try {
    return parseConfig(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const url = config.publicUrl ?? `http://localhost:${(app.getHttpServer().address() as { port: number }).port}`;
  new Logger('Main').log(`Listening on ${url} (console at ${url}/, Swagger UI at ${url}/${SWAGGER_PATH})`);
  const generated = app.get(SuperadminBootstrapService).takeGeneratedCredentials();
  if (generated) {
    // Printed straight to the console, once, and never through the logger.
    process.stdout.write(
      `\nFirst start: created superadmin ${generated.email} with password ${generated.password}\n` +
        `It will not be shown again. Sign in at ${url}/ (Swagger UI: ${url}/${SWAGGER_PATH}) and change it at once\n` +
        `(or with POST /api/v1/me/password {currentPassword, newPassword}): until then every other route answers 403.\n\n`,
    );
  }
}

void main();
