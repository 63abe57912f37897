// The command tracker: commands this console sent, with their status as the server's
// WebSocket reports it. Each tracked command is subscribed to by id (the server answers with
// its status at once, then each change), again after a reconnection; a signed-in user's
// other commands arrive too.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import { commandIdOf } from "../api/client";
import type { WriteAnswer } from "../api/client";
import { accessToken } from "./auth";

export interface TrackedCommand {
  id: string;
  label: string;
  status: string;
  progress: number;
  message?: string;
  error?: string;
  updatedAt: string;
}

interface CommandUpdate {
  type: "command_update";
  command_id: string;
  data: {
    status: string;
    progress?: number;
    message?: string | null;
    error?: unknown;
    command_type?: string;
    updated_at?: string;
  };
}

interface Tracker {
  commands: TrackedCommand[];
  connected: boolean;
  /** Follow the command a write's answer names, with the status the answer gave; its id. */
  track: (answer: WriteAnswer, label: string) => string | undefined;
}

const TrackerContext = createContext<Tracker>({
  commands: [],
  connected: false,
  track: (answer) => commandIdOf(answer),
});

export const MAX_TRACKED = 200;

/** A status update applied to the tracked list (newest first); unknown commands are added. */
export function applyUpdate(list: TrackedCommand[], update: CommandUpdate): TrackedCommand[] {
  const d = update.data;
  const error = d.error == null ? undefined : typeof d.error === "string" ? d.error : JSON.stringify(d.error);
  const found = list.find((c) => c.id === update.command_id);
  const next: TrackedCommand = {
    id: update.command_id,
    label: found?.label ?? d.command_type ?? "command",
    status: d.status,
    progress: d.progress ?? found?.progress ?? 0,
    message: d.message ?? undefined,
    error,
    updatedAt: d.updated_at ?? new Date().toISOString(),
  };
  return [next, ...list.filter((c) => c.id !== update.command_id)].slice(0, MAX_TRACKED);
}

function subscription(id: string): string {
  return JSON.stringify({ type: "subscribe", command_id: id });
}

function socketUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/api/v1/ws/commands`;
}

export function CommandsProvider({ children }: { children: ReactNode }) {
  const [commands, setCommands] = useState<TrackedCommand[]>([]);
  const [connected, setConnected] = useState(false);
  const retry = useRef(500);
  const socketRef = useRef<WebSocket | null>(null);
  const followed = useRef(new Set<string>());

  useEffect(() => {
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    const connect = () => {
      socket = new WebSocket(socketUrl());
      socketRef.current = socket;
      socket.onopen = () => {
        retry.current = 500;
        setConnected(true);
        // Browsers cannot set headers on a WebSocket: a signed-in console says who it is first.
        const token = accessToken();
        if (token) socket?.send(JSON.stringify({ type: "authenticate", token }));
        for (const id of followed.current) socket?.send(subscription(id));
      };
      socket.onmessage = (event) => {
        try {
          const message = JSON.parse(String(event.data)) as { type?: string };
          if (message.type === "command_update") setCommands((list) => applyUpdate(list, message as CommandUpdate));
        } catch {
          // not JSON: nothing the tracker knows
        }
      };
      socket.onclose = () => {
        setConnected(false);
        if (closed) return;
        timer = setTimeout(connect, retry.current);
        retry.current = Math.min(retry.current * 2, 10_000);
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, []);

  const track = useCallback((answer: WriteAnswer, label: string) => {
    const id = commandIdOf(answer);
    if (!id) return undefined;
    const status = answer.data?.status ?? answer.status ?? "PENDING";
    if (!followed.current.has(id)) {
      followed.current.add(id);
      if (followed.current.size > MAX_TRACKED)
        followed.current.delete(followed.current.values().next().value as string);
      if (socketRef.current?.readyState === WebSocket.OPEN) socketRef.current.send(subscription(id));
    }
    setCommands((list) => {
      const found = list.find((c) => c.id === id);
      if (found) return list.map((c) => (c.id === id ? { ...c, label } : c));
      const added: TrackedCommand = { id, label, status, progress: 0, updatedAt: new Date().toISOString() };
      return [added, ...list].slice(0, MAX_TRACKED);
    });
    return id;
  }, []);

  const value = useMemo(() => ({ commands, connected, track }), [commands, connected, track]);
  return <TrackerContext.Provider value={value}>{children}</TrackerContext.Provider>;
}

export function useCommands(): Tracker {
  return useContext(TrackerContext);
}
