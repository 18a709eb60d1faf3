// A contact's company, from the domain of their email address; free-mail domains are people, not companies.
const FREE_MAIL = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.no', 'live.com', 'live.no', 'msn.com', 'yahoo.com', 'yahoo.no',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.ru',
  'yandex.ru', 'qq.com', '126.com', '163.com', 'online.no', 'mail.com', 'zoho.com', 'fastmail.com', 'hey.com',
]);

export function companyDomainOf(email: string): string | null {
  const domain = email.split('@')[1]?.trim().toLowerCase();
  if (!domain || !domain.includes('.') || FREE_MAIL.has(domain)) return null;
  return domain;
}

export function companyNameFor(domain: string): string {
  const label = domain.replace(/^(www|mail)\./, '').split('.')[0] ?? domain;
  return label.charAt(0).toUpperCase() + label.slice(1);
}
