/**
 * What SetupGate (the light gate) and SetupState (its full view, loaded on demand) share,
 * in a module of its own so the view needs nothing from the gate that loads it.
 */
import { createContext } from 'react';

/** How often the account is asked whether its first sync has finished. */
export const SETUP_POLL_MS = 30_000;

/** Lets a view inside a SetupGate report a 403 "not set up yet" (SetupState.tsx's NotSetUpYet). */
export const SetupContext = createContext<{ report: () => void } | null>(null);
