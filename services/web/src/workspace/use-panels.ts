// The collapsible side panels (views, contact), remembered per browser.
import { useState } from 'react';

type Panels = { views: boolean; contact: boolean };

export function usePanels(): [Panels, (name: keyof Panels) => void] {
  const [panels, setPanels] = useState<Panels>(() => {
    // Until the agent chooses, a narrow screen opens with the floating panels closed.
    const defaults = { views: window.innerWidth >= 900, contact: window.innerWidth >= 1280 };
    try {
      return { ...defaults, ...JSON.parse(localStorage.getItem('inbox.panels') ?? '{}') };
    } catch {
      return defaults;
    }
  });
  function toggle(name: keyof Panels) {
    const next = { ...panels, [name]: !panels[name] };
    setPanels(next);
    localStorage.setItem('inbox.panels', JSON.stringify(next));
  }
  return [panels, toggle];
}
