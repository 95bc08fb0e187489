// One outbound port for the core: routes each call to the adapter that owns the chat id's platform.
import { platformOf, type Platform } from './platforms.ts';
import { DeliveryError, type Capabilities, type Outbound } from './ports.ts';

export interface OutboundRouter {
  /** Capabilities of the platform a chat is on (undefined when no adapter serves it). */
  capabilitiesOf(chatId: string): Capabilities | undefined;
  /** The adapter's port for a chat, or throws DeliveryError('permanent'). */
  for(chatId: string): Outbound;
  register(port: Outbound): void;
  platforms(): Platform[];
}

export function createOutboundRouter(): OutboundRouter {
  const ports = new Map<Platform, Outbound>();
  const forChat = (chatId: string): Outbound => {
    const p = platformOf(chatId);
    const port = p && ports.get(p);
    if (!port) throw new DeliveryError('permanent', `no adapter is running for ${p ?? 'this chat'}`);
    return port;
  };
  return {
    capabilitiesOf: (chatId) => {
      const p = platformOf(chatId);
      return p ? ports.get(p)?.capabilities : undefined;
    },
    for: forChat,
    register(port) {
      ports.set(port.platform, port);
    },
    platforms: () => [...ports.keys()],
  };
}
