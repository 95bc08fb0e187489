// The platform-neutral command model. Every chat command is one CommandSpec, owned by a feature
// (src/core/feature.ts) and registered once; the dispatcher (src/core/core.ts) parses, checks
// access, runs it, and turns errors into polite replies. Adapters never see this.
import type { Logger } from 'pino';
import type { Incoming } from '../core/ports.ts';
import type { Reply } from '../core/reply.ts';

export type Role = 'secretariat' | 'co-chair';

/** Who may run a command. 'member' = anyone in an allowed chat; 'organiser' = secretariat or co-chair. */
export type Access = 'public' | 'member' | 'organiser' | 'secretariat';

export interface AccessControl {
  /** True when ALLOWED_CHATS is empty (development): every chat is allowed. */
  readonly open: boolean;
  rolesOf(userId: string): Set<Role>;
  /** Listed chats; a private chat also counts when its user holds a role. */
  isChatAllowed(chat: Incoming['chat'], userId: string): boolean;
}

export interface Actor {
  id: string;
  name?: string;
  roles: Set<Role>;
}

export interface CommandContext {
  msg: Incoming;
  /** The command's name as registered (aliases resolved). */
  command: string;
  /** Everything after the command word, trimmed. */
  args: string;
  actor: Actor;
  chatAllowed: boolean;
  now: Date;
  log: Logger;
}

export interface CommandSpec {
  name: string;
  aliases?: string[];
  /** e.g. "/challenges [topic]" */
  usage: string;
  /** One line for /help and the platform command menus. */
  description: string;
  /** Checked by the dispatcher before run(). Finer checks (subcommands) use requireAccess(). */
  access: Access;
  /** Listed in /help and menus (default true). */
  listed?: boolean;
  /** Group for /help: 'Practice base', 'Meetings', 'Agenda', 'Administration'. */
  group: string;
  /** Subcommands with their own usage and access, listed under the command in /help
   *  (e.g. `/meeting add ...` for the secretariat). */
  subcommands?: { usage: string; description: string; access: Access }[];
  run(ctx: CommandContext): Promise<Reply | Reply[]> | Reply | Reply[];
}

/** Records a privileged action in the audit trail (the access feature writes the rows): who, what
 *  action, on what, with optional details. Given to every feature that performs one. */
export type Audit = (actorId: string, action: string, subject: string, details?: Record<string, unknown>) => void;
