"""citebot's store plugged into LangChain as a BaseRetriever."""

from langchain_core.retrievers import BaseRetriever

from vectorstore.langchain import CitebotRetriever


def test_langchain_retriever_returns_cited_documents(sample_bot):
    retriever = CitebotRetriever(retriever=sample_bot.retriever, k=3, scope="global")
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("Where were the suspects arrested?")
    assert len(docs) == 3
    for doc in docs:
        assert doc.page_content
        assert {"title", "outlet", "published_at", "url", "score", "start", "end", "document_id"} <= doc.metadata.keys()
    assert any("arrested" in d.page_content or "detained" in d.page_content for d in docs)


def test_langchain_retriever_over_citebot_gives_what_ask_reads(sample_bot):
    question = "Where were the suspects arrested?"
    docs = CitebotRetriever(retriever=sample_bot, k=5).invoke(question)
    assert [d.metadata["chunk_id"] for d in docs] == [p.chunk_id for p in sample_bot.retrieve(question, k=5)]
