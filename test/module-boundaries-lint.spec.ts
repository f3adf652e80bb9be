import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';

/** The project root: the nearest folder above this file with a package.json (the spec runs from dist/). */
function projectRoot(): string {
  let folder = __dirname;
  while (!existsSync(join(folder, 'package.json'))) folder = dirname(folder);
  return folder;
}

const RULE = 'house/module-boundaries';

/**
 * Issue #23: `npm run lint` fails on an import against the module map. Each case lints one line as if it
 * were a file at `path` in the project, with the project's own ESLint configuration.
 */
describe('lint: the arrows between modules', () => {
  const root = projectRoot();
  const eslint = new ESLint({ cwd: root });

  async function problems(path: string, line: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${line}\nexport const probe = thing;\n`, { filePath: join(root, path) });
    return result!.messages.filter((message) => message.ruleId === RULE).map((message) => message.message);
  }

  it("refuses another module's entity and repository, and names what to use instead", async () => {
    expect(
      await problems('src/notifications/probe.ts', "import type { User as thing } from '../users/user.entity';"),
    ).toEqual([
      "notifications may not import users's entities: use what users exports (its service and snapshot types)",
    ]);
    expect(
      await problems('src/alerts/probe.ts', "import { UsersRepository as thing } from '../users/users.repository';"),
    ).toHaveLength(1);
  });

  it("refuses another module's drivers/ and dto/ folders, in exports as well as imports", async () => {
    expect(
      await problems(
        'src/sync/probe.ts',
        "import { ImapMailboxDriver as thing } from '../mailbox/drivers/imap-mailbox.driver';",
      ),
    ).toHaveLength(1);
    expect(
      await problems(
        'src/notifications/probe.ts',
        "export { IsMailHost as thing } from '../settings/dto/mail-validators';",
      ),
    ).toHaveLength(1);
  });

  it("lets a spec build another module's driver, to reach a real server, but not read its entities", async () => {
    const driver = "import { SmtpMailerDriver as thing } from '../mailer/drivers/smtp-mailer.driver';";
    expect(await problems('src/settings/probe.spec.ts', driver)).toEqual([]);
    expect(await problems('src/settings/probe.ts', driver)).toHaveLength(1);
    expect(
      await problems('src/settings/probe.spec.ts', "import { Ticket as thing } from '../tickets/ticket.entity';"),
    ).toHaveLength(1);
  });

  it("allows a module its own entities and another module's service and snapshot types", async () => {
    expect(await problems('src/users/probe.ts', "import { User as thing } from './user.entity';")).toEqual([]);
    expect(
      await problems(
        'src/notifications/probe.ts',
        "import type { UserSummary as thing } from '../users/user-summary';",
      ),
    ).toEqual([]);
    expect(
      await problems(
        'src/settings/probe.ts',
        "import { MailAccessTokens as thing } from '../oauth/mail-access-tokens';",
      ),
    ).toEqual([]);
  });

  it('keeps Tickets out of Sync, Mailbox, Mailer and Notifications', async () => {
    expect(
      await problems(
        'src/tickets/probe.ts',
        "import { SyncControlService as thing } from '../sync/sync-control.service';",
      ),
    ).toEqual(['Tickets knows nothing of sync: it publishes domain events after commit instead']);
    expect(
      await problems('src/tickets/probe.ts', "import { MailerService as thing } from '../mailer/mailer.service';"),
    ).toHaveLength(1);
  });

  it('keeps common/ and libs/ on the ground floor', async () => {
    expect(
      await problems('src/common/auth/probe.ts', "import { AppConfig as thing } from '../../config/app-config';"),
    ).toHaveLength(1);
    expect(
      await problems('src/common/auth/probe.ts', "import { thing } from '../../../libs/mail/message-id';"),
    ).toEqual([]);
    expect(
      await problems(
        'libs/mail/probe.ts',
        "import { TICKET_STATUSES as thing } from '../../src/tickets/ticket-values';",
      ),
    ).toEqual(['libs/ is framework-free: it imports nothing from src/']);
  });
});
