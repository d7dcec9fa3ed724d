import { button, emailDocument, heading, SHORT_GREETING, text } from './blocks.ts';
import type { Starter } from './types.ts';

/** The link to the workspace's active survey with slug `nps`, signed per customer (surveys module). */
const LINK = '{{ survey_links.nps }}';

/** An NPS survey invitation: "how likely are you to recommend us", 0–10. */
export const nps: Starter = {
  key: 'nps',
  name: { ja: 'NPSアンケートのお願い', en: 'NPS survey request' },
  description: { ja: '「おすすめ度」アンケート（スラッグ nps の調査）へのご協力をお願いします。', en: 'Asks for the "how likely to recommend" survey (the survey with slug nps).' },
  uses: ['survey_links.nps'],
  templates: {
    ja: {
      email: {
        channel: 'email',
        subject: '【1分で完了】アンケートご協力のお願い｜{{ sender.name }}',
        mjml: emailDocument(
          'ja',
          heading('アンケートご協力のお願い'),
          text('いつも{{ sender.name }}をご利用いただき、誠にありがとうございます。<br/>より良いサービスをお届けするため、簡単なアンケートへのご協力をお願いしております。'),
          text('「{{ sender.name }}をご家族やご友人にすすめる可能性はどのくらいありますか」という質問に、0から10の11段階でお答えください。所要時間は1分ほどです。'),
          `{% if survey_links.nps %}${button(LINK, 'アンケートに回答する')}{% else %}${text('本メールへのご返信でも、ご意見をお寄せいただけます。')}{% endif %}`,
          text('お忙しいところ恐れ入りますが、ご協力のほどよろしくお願い申し上げます。'),
        ),
      },
      sms: {
        channel: 'sms',
        text: `【{{ sender.name }}】${SHORT_GREETING.ja}、1分ほどのアンケートにご協力をお願いいたします。{% if survey_links.nps %} ${LINK}{% endif %}{% if unsubscribe_url %} 配信停止 {{ unsubscribe_url }}{% endif %}`,
      },
    },
    en: {
      email: {
        channel: 'email',
        subject: 'One quick question from {{ sender.name }}',
        mjml: emailDocument(
          'en',
          heading('One quick question'),
          text('Thank you for shopping with {{ sender.name }}. To keep improving, we would love your answer to one question.'),
          text('How likely are you to recommend {{ sender.name }} to a friend or colleague, on a scale from 0 to 10? It takes about a minute.'),
          `{% if survey_links.nps %}${button(LINK, 'Answer the survey')}{% else %}${text('You can also simply reply to this email with your thoughts.')}{% endif %}`,
          text('Thank you for your time.'),
        ),
      },
      sms: {
        channel: 'sms',
        text: `{{ sender.name }}: ${SHORT_GREETING.en}, would you answer a one-minute survey?{% if survey_links.nps %} ${LINK}{% endif %}{% if unsubscribe_url %} Stop: {{ unsubscribe_url }}{% endif %}`,
      },
    },
  },
};
