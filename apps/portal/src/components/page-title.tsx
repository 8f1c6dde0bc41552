import { useEffect, useRef } from 'react';

const SITE = 'Mon dossier médical partagé';
let firstPage = true;

/**
 * The page's h1 and the tab's title. After a navigation within the portal, focus moves to the
 * heading (RGAA 12.x, WCAG 2.4.3): a screen reader announces the new page, and Tab goes on from
 * there; on the first page the browser's own focus is kept.
 */
export function PageTitle({ children }: { children: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} — ${SITE}`;
    if (firstPage) firstPage = false;
    else heading.current?.focus();
  }, [children]);
  return (
    <h1 ref={heading} tabIndex={-1} id="titre-page">
      {children}
    </h1>
  );
}
