// Email HTML as stored and served: sanitised (no scripts, handlers, forms or frames); remote
// images are kept as data-src so the UI loads them only after the agent asks.
import sanitizeHtml from 'sanitize-html';

export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.concat(['img', 'span', 'font', 'center', 'style', 'h1', 'h2', 'u', 's']),
    allowVulnerableTags: true,
    allowedAttributes: {
      '*': ['style', 'class', 'align', 'valign', 'width', 'height', 'bgcolor', 'color', 'dir', 'lang', 'title'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'data-src', 'width', 'height'],
      td: ['colspan', 'rowspan', 'style', 'width', 'height', 'align', 'valign', 'bgcolor'],
      th: ['colspan', 'rowspan', 'style', 'width', 'align'],
      table: ['border', 'cellpadding', 'cellspacing', 'width', 'style', 'bgcolor', 'align'],
      font: ['face', 'size', 'color'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel', 'cid', 'data'],
    allowedSchemesByTag: { img: ['cid', 'data', 'http', 'https'] },
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }),
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        if (/^https?:/i.test(src)) {
          const { src: _remote, ...rest } = attribs;
          return { tagName, attribs: { ...rest, 'data-src': src } };
        }
        return { tagName, attribs };
      },
    },
  });
}
