// The ordered list of schema migrations. Each runs once, in its own transaction, and sets
// PRAGMA user_version to its version. Never edit a released migration: add a new one.
import type Database from 'better-sqlite3';
import { m001 } from './001-core.ts';
import { m002 } from './002-agenda.ts';
import { m003 } from './003-meeting-revision.ts';
import { m004 } from './004-gaps-language.ts';
import { m005 } from './005-update-ledger.ts';
import { m006 } from './006-instance-lease.ts';
import { m007 } from './007-followups.ts';
import { m008 } from './008-undated-agenda.ts';
import { m009 } from './009-meeting-details.ts';
import { m010 } from './010-allowed-chats.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010];
