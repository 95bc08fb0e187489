// What the access feature asks of others, declared here by the consumer (src/app.ts wires them).

/** The reminders feature, which owns the subscriptions: /chats lists them, a revoke drops them. */
export interface AccessSubscriptions {
  /** Every subscribed chat. */
  list(): { chatId: string; chatType: 'private' | 'group' | 'channel'; threadId?: string; subscribedBy: string }[];
  /** Unsubscribes a chat (inside the caller's store.immediate(); audited by the reminders feature);
   *  false when it was not subscribed. */
  drop(chatId: string, actorId: string, reason: string): boolean;
}

/** The meetings feature's zones: /audit shows times in the reader's zone. */
export interface AccessZones {
  /** The zone of the member country a user is known for, if any. */
  zoneOf?(userId: string): string | undefined;
  /** The community's zone (its first member zone), if configured. */
  communityZone(): string | undefined;
}
